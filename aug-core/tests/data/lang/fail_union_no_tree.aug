module Fail_union_no_tree =
let l = [ key /a/ . (store /x/ | del /y/ "y")? ]

(* Neither branch makes a node: their trees are both empty. *)
(* error: fail_union_no_tree.aug:2.20-.44:exception: overlapping lenses in tree union.put *)
