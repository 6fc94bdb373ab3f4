module Pass_tree_values_differ =
let l = [ key /a/ . store /1/ ] . [ key /b/ . store /2/ ]? . [ key /b/ . store /3/ ]? . [ key /a/ . store /4/ ]
let s = ([ key /a/ . store /1/ ] . [ key /a/ . store /2/ ]?)*

(* Trees that differ only in their values are told apart (1.14 encodes values in the tree type). *)
