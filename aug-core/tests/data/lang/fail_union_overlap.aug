module Fail_union_overlap =
let l = [ key /a/ ] | [ key /a|b/ ]

(* Both branches read `a`. *)
(* error: fail_union_overlap.aug:2.8-.35:exception: overlapping lenses in union.get *)
(* error:     Example matched by both: 'a' *)
