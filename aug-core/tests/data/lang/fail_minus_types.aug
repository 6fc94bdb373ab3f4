module Fail_minus_types =
let l = (key /a/) - (key /b/)

(* Only regexps can be subtracted (a glued `(` starts the position). *)
(* error: fail_minus_types.aug:2.8-.16:type error: expected regexp but found lens *)
