module Fail_ambiguous_square =
let l = [ square (key /a+/) ([ key /b/ ]*) (del /a+/ "a") ]

(* A square's parts are checked as a concatenation. *)
(* error: fail_ambiguous_square.aug:2.10-.57:exception: ambiguous concatenation *)
