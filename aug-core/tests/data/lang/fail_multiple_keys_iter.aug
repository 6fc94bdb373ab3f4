module Fail_multiple_keys_iter =
let l = (key /a/)*

(* An iterated key: iterate subtrees, not keys. *)
(* error: fail_multiple_keys_iter.aug:2.8-.18:exception: Multiple keys/labels in iteration *)
(* notypecheck *)
