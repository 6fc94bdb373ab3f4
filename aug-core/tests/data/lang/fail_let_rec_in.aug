module Fail_let_rec_in =
let x = let rec l = [ key /a/ . l ] | [ key /b/ ] in l

(* `let rec` is a declaration, not an expression (a syntax error). *)
(* error: fail_let_rec_in.aug:2.8-.15:syntax error, unexpected KW_LET_REC *)
