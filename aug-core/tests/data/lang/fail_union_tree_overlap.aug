module Fail_union_tree_overlap =
let l = [ key /a/ . del /x/ "x" ] | [ key /a/ . del /y/ "y" ]

(* Put could not tell the branches apart. *)
(* error: fail_union_tree_overlap.aug:2.8-.61:exception: overlapping lenses in tree union.put *)
(* error:     Example matched by both:  { "a" } *)
