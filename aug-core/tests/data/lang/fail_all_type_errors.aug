module Fail_all_type_errors =
let a = "a" . [ key /a/ ]
let b = nowhere
let c = a

(* Every type error of a module is reported; a binding that failed is undefined afterwards. *)
(* error: fail_all_type_errors.aug:2.8-.25:concatenation of string and lens is not possible *)
(* error: fail_all_type_errors.aug:3.8-.15:Undefined variable nowhere *)
(* error: fail_all_type_errors.aug:4.8-.9:Undefined variable a *)
