module Fail_regexp_range =
let l = [ key /[9-0]/ ]

(* A range whose end comes before its start. *)
(* error: fail_regexp_range.aug:2.14-.21:Invalid regular expression: Invalid range end *)
