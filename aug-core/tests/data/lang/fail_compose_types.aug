module Fail_compose_types =
let f (x:string) = [ key x ]
let g (x:string) = x
let h = f ; g

(* Composition needs the first function's result to fit the second. *)
(* error: fail_compose_types.aug:4.8-.13:composition of string -> lens and string -> string is not possible *)
