module Fail_multiple_stores_iter =
let l = [ key /a/ . (del /x/ "x" . store /y/)* ]

(* An iterated value. *)
(* error: fail_multiple_stores_iter.aug:2.20-.46:exception: Multiple stores in iteration *)
(* notypecheck *)
