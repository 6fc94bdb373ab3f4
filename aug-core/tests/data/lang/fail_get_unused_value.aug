module Fail_get_unused_value =
test ([ key /a/ ] . store /b/) get "ab" = ?

(* A value outside of any subtree has no node. *)
(* error: fail_get_unused_value.aug:2.5-.39:exception: get left unused value b *)
