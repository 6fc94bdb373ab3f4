module Fail_union_nocase =
let l = [ key /[a-z]+/i ] | [ key "UPPER" ]

(* A case-insensitive regexp overlaps the upper-case word. *)
(* error: fail_union_nocase.aug:2.8-.43:exception: overlapping lenses in union.get *)
(* error:     Example matched by both: 'UPPER' *)
