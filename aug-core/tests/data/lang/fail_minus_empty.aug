module Fail_minus_empty =
let re = "a" - /[a-z]/

(* A subtraction that leaves nothing. *)
(* error: fail_minus_empty.aug:2.9-.22:exception: Regular expression subtraction 'r1 - r2' failed *)
(* error:     r1: /a/ *)
(* error:     r2: /[a-z]/ *)
(* notypecheck *)
