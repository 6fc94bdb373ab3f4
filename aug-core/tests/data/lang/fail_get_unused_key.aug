module Fail_get_unused_key =
test (key /a/) get "a" = ?

(* A key outside of any subtree has no node. *)
(* error: fail_get_unused_key.aug:2.5-.22:exception: get left unused key a *)
