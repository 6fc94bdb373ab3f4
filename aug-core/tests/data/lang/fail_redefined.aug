module Fail_redefined =
let a = "x"
let a = "y"

(* A name defined twice (only `_` may be). *)
(* error: fail_redefined.aug:3.0-.11:the name a is already defined *)
