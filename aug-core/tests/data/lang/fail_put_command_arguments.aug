module Fail_put_command_arguments =
test [ key /a/ ] put "a" after set "a" = "a"

(* `set` needs a path and a value. *)
(* error: fail_put_command_arguments.aug:2.5-.38:application of string -> tree -> tree and tree is not possible *)
