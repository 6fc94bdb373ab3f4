module Fail_test_lens_type =
test "a" get "a" = ?

(* A test's lens must be a lens. *)
(* error: fail_test_lens_type.aug:2.5-.16:application of lens -> string -> tree and string is not possible *)
