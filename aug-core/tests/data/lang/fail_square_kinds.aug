module Fail_square_kinds =
let l = square (key /a/) (key /b/) (key /a/)

(* The right lens of a square must be a del. *)
(* error: fail_square_kinds.aug:2.8-.44:exception: Supported types: (key lns del) or (del lns del) *)
(* notypecheck *)
