module Fail_test_result_type =
test [ key /a/ ] get "a" = "a"

(* A get test gives a tree. *)
(* error: fail_test_result_type.aug:2.0-.30:expected test result of type string but got tree *)
