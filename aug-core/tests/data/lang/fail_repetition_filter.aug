module Fail_repetition_filter =
let f = (incl "/etc/x")*

(* Only regexps and lenses repeat. *)
(* error: fail_repetition_filter.aug:2.8-.24:Incompatible types: repetition is only defined for regexp and lens, not for filter *)
