module Fail_ambiguous_iteration =
let l = (del /a*/ "")+

(* `a` is one iteration or two. *)
(* error: fail_ambiguous_iteration.aug:2.8-.22:exception: ambiguous iteration *)
