module Fail_square_two_keys =
let s = square (key "a") (key "a") (del "a" "a")

(* A square is a concatenation: one key only. *)
(* error: fail_square_two_keys.aug:2.8-.48:exception: Multiple keys/labels in concat *)
(* notypecheck *)
