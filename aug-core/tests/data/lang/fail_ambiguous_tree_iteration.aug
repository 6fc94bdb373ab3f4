module Fail_ambiguous_tree_iteration =
let l = ([ key /a/ . del /x/ "x" ] . [ key /a/ . del /y/ "y" ]?)*

(* Two nodes `a` are one iteration or two. *)
(* error: fail_ambiguous_tree_iteration.aug:2.8-.65:exception: ambiguous tree iteration *)
