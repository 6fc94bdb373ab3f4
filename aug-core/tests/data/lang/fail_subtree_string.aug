module Fail_subtree_string =
let l = [ "a" ]

(* A subtree of a string. *)
(* error: fail_subtree_string.aug:2.8-.15:[..] is only defined for lenses, not for string *)
