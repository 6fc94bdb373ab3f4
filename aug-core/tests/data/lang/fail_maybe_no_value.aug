module Fail_maybe_no_value =
let l = (del /[ ]+/ " ")?

(* Put could not tell whether the option was there. *)
(* error: fail_maybe_no_value.aug:2.8-.25:exception: optional expression matches the empty tree but does not consume a value *)
