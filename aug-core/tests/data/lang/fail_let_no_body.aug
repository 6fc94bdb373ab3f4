module Fail_let_no_body =
let x =

(* A binding without a value (a syntax error). *)
(* error: fail_let_no_body.aug:6.0:syntax error, unexpected $end *)
