module Fail_put_commands =
test [ key /a/ ] put "a" after "x" = "a"

(* The commands of a put test are functions of the tree. *)
(* error: fail_put_commands.aug:2.5-.34:expected function in application but found string *)
