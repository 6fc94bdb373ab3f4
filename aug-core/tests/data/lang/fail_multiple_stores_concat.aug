module Fail_multiple_stores_concat =
let l = [ key /a/ . store /b/ . store /c/ ]

(* Two values for one node. *)
(* error: fail_multiple_stores_concat.aug:2.0-.43:Failed to compile l *)
(* error: fail_multiple_stores_concat.aug:2.10-.41:exception: Multiple stores in concat *)
(* notypecheck *)
