module Fail_let_rec_params =
let rec f (x:string) = [ key x . f ]

(* `let rec` takes no parameters (a syntax error). *)
(* error: fail_let_rec_params.aug:2.10-.11:syntax error, unexpected '(', expecting '=' *)
