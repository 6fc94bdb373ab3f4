module Fail_put_result_type =
test [ key /a/ ] put "a" after set "a" "b" = { "a" }

(* A put test gives a string. *)
(* error: fail_put_result_type.aug:2.0-.52:expected test result of type tree but got string *)
