module Fail_apply_too_many =
let l = del /a/ "a" "b"

(* One argument too many for a builtin. *)
(* error: fail_apply_too_many.aug:2.8-.23:expected function in application but found lens *)
