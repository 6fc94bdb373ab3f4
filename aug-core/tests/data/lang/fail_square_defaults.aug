module Fail_square_defaults =
let l = square (del /a|b/ "a") (key /c/) (del /a|b/ "b")

(* Two dels as the ends of a square need the same default. *)
(* error: fail_square_defaults.aug:2.8-.56:exception: Inconsistency in lens square *)
(* error:     Left and right lenses must have the same default value *)
(* notypecheck *)
