module Fail_self_forward =
let b = Fail_self_forward.a
let a = "a"

(* A module sees its own bindings in order, even by their qualified names. *)
(* error: fail_self_forward.aug:2.8-.27:Undefined variable Fail_self_forward.a *)
