module Pass_rec_subtree_only =
let rec l = [ key /a/ . l ]
let rec m = [ m ]
test l get "a" = *

(* C takes a subtree to make a recursive lens productive, even when no text can end it. *)
