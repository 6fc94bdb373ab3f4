module Fail_apply_argument =
let f (x:string) = x
let l = f [ key /a/ ]

(* An argument of the wrong type. *)
(* error: fail_apply_argument.aug:3.8-.21:application of string -> string and lens is not possible *)
(* error: fail_apply_argument.aug:3.8-.21:type error: expected string but found lens *)
