module Fail_rec_multiple_keys =
let rec l = key "a" . l | store "x"

(* The keys the recursion brings in, reported at the recursive lens. *)
(* error: fail_rec_multiple_keys.aug:2.12-.35:exception: Multiple keys/labels in concat *)
(* notypecheck *)
