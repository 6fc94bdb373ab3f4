module Fail_let_rec_in =
let x = let rec l = [ key /a/ . l ] | [ key /b/ ] in l

(* `let rec` is a declaration, not an expression (a syntax error). *)
