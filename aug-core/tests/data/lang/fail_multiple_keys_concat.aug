module Fail_multiple_keys_concat =
let l = key /a/ . label "b"

(* Two labels for one node. *)
(* error: fail_multiple_keys_concat.aug:2.8-.27:exception: Multiple keys/labels in concat *)
(* notypecheck *)
