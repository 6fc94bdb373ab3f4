module Fail_concat_types =
let l = "a" . [ key /a/ ]

(* Concatenation of a string and a lens. *)
(* error: fail_concat_types.aug:2.8-.25:concatenation of string and lens is not possible *)
