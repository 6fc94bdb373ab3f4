module Fail_test_no_exception =
test [ key /a/ ] get "a" = *

(* A test that expects an exception that does not come. *)
(* error: fail_test_no_exception.aug:2.0-.28:Test run should have produced exception, but produced *)
