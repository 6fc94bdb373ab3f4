module Fail_test_input_type =
test [ key /a/ ] get [ key /a/ ] = ?

(* A test's text must be a string. *)
(* error: fail_test_input_type.aug:2.5-.32:application of string -> tree and lens is not possible *)
