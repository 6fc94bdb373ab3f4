module Fail_maybe_union =
let l = [ key /a/ . ([ key /x/ ] | store /y/)? ]

(* A union consumes a value only if each branch does. *)
(* error: fail_maybe_union.aug:2.20-.46:exception: optional expression matches the empty tree but does not consume a value *)
