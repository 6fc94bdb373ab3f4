module Fail_test_mismatch =
test [ key /a/ ] get "a" = { "b" }

(* A test whose tree differs. *)
(* error: Test failure:fail_test_mismatch.aug:2.0-.34: *)
