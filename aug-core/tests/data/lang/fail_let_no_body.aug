module Fail_let_no_body =
let x =

(* A binding without a value (a syntax error). *)
