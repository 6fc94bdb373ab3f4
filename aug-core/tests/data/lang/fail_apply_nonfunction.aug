module Fail_apply_nonfunction =
let l = "a" "b"

(* Applying a string. *)
(* error: fail_apply_nonfunction.aug:2.8-.15:expected function in application but found string *)
