module Fail_function_exception =
let f (x:string) = del /a/ x
let l = f "b"

(* An exception inside a function is reported where the function raises it. *)
(* error: fail_function_exception.aug:3.0-.13:Failed to compile l *)
(* error: fail_function_exception.aug:2.19-.28:exception: del: the default value 'b' does not match /a/ *)
