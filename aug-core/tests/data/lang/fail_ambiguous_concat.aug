module Fail_ambiguous_concat =
let l = [ key /a|ab/ . del /b?c/ "c" ]

(* `abc` splits as `a|bc` and `ab|c`. *)
(* error: fail_ambiguous_concat.aug:2.10-.36:exception: ambiguous concatenation *)
(* error:     First lens: fail_ambiguous_concat.aug:2.10-.20: *)
(* error:     Second lens: fail_ambiguous_concat.aug:2.23-.36: *)
