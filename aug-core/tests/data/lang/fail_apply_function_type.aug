module Fail_apply_function_type =
let f (g:string -> string) = g "a"
let l = f "x"

(* A string where a function is expected. *)
(* error: fail_apply_function_type.aug:3.8-.13:type error: expected function but found string *)
(* error: fail_apply_function_type.aug:3.8-.13:application of (string -> string) -> string and string is not possible *)
