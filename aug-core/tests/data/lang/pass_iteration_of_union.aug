module Pass_iteration_of_union =
let l1 = [ key /a|b/ . store /x/ ]
let l2 = [ key /ab/ . store /y/ ]
let lns = (l1 | l2)*
test lns get "axaby" = { "a" = "x" } { "ab" = "y" }

(* The tree type of a union of subtrees iterates as a whole. *)
