module Fail_undefined =
let l = [ key /a/ . nowhere ]

(* A name that is bound nowhere. *)
(* error: fail_undefined.aug:2.20-.27:Undefined variable nowhere *)
