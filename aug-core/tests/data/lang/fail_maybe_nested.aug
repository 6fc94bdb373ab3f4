module Fail_maybe_nested =
let l = (del /=/ "=" . (del /[ ]*/ "" . store /[a-z]+/)? )?

(* An option's value does not count as consumed. *)
(* error: fail_maybe_nested.aug:2.8-.59:exception: optional expression matches the empty tree but does not consume a value *)
