module Fail_test_exception =
test [ key /a/ . del /b/ "b" ] get "ab" = ?
test [ key /a/ ] get "ab" = { "a" }

(* A test whose get fails. *)
(* error: fail_test_exception.aug:3.0-.35:exception thrown in test *)
