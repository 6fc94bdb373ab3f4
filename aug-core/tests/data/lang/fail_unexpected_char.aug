module Fail_unexpected_char =
let e = [ key /a/ ]
test (< e >*) get "a" = { "a" }

(* A character the lexer does not know (Augeas 1.14 has no `< … >`). *)
(* error: fail_unexpected_char.aug:3:5: Unexpected character < *)
