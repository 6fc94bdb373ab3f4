module Pass_subtree_growth =
let lns = [ label "outer" . [ store /a/ ] ]
test lns get "a" = { "outer" { = "a" } }

(* An inner subtree without a label still makes a node of its own. *)
