module Fail_maybe_empty_word =
let l = (label "a")?

(* An option around a lens that reads nothing. *)
(* error: fail_maybe_empty_word.aug:2.8-.20:exception: illegal optional expression: /()/ matches the empty word *)
