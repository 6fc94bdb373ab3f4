module Fail_ambiguous_tree_concat =
let l = [ key /a/ . del /x/ "x" ]? . [ key /a/ . del /y/ "y" ]?

(* The texts split in one way, the trees do not. *)
(* error: fail_ambiguous_tree_concat.aug:2.8-.63:exception: ambiguous tree concatenation *)
