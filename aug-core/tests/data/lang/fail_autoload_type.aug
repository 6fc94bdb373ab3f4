module Fail_autoload_type =
autoload xfm
let xfm = [ key /a/ ]

(* What autoload names must be a transform. *)
(* error: fail_autoload_type.aug:1.0-.6:type error: expected transform but found lens *)
