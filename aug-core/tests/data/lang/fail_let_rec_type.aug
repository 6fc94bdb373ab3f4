module Fail_let_rec_type =
let rec l = "a"

(* `let rec` defines lenses only. *)
(* error: fail_let_rec_type.aug:2.12-.15:application of lens -> lens -> lens and string is not possible *)
