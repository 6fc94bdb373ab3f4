module Fail_function_body =
let f (x:string) = x . [ key /a/ ]

(* The body of a function is typechecked even if it is never applied. *)
(* error: fail_function_body.aug:2.19-.34:concatenation of string and lens is not possible *)
