module Fail_square_language =
let l = square (key /a/) (del /b/ "b") (del /c/ "c")

(* Both ends of a square must accept the same texts. *)
(* error: fail_square_language.aug:2.8-.52:exception: Inconsistency in lens square *)
(* error:     Left and right lenses must accept the same language *)
(* error:     Left lens: fail_square_language.aug:2.15-.23: *)
(* error:     Right lens: fail_square_language.aug:2.39-.51: *)
(* notypecheck *)
