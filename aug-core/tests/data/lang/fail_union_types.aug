module Fail_union_types =
let l = "a" | [ key /a/ ]

(* Union of a string and a lens. *)
(* error: fail_union_types.aug:2.8-.25:union of string and lens is not possible *)
