module Fail_let_in_types =
let l = let x = "a" in x . [ key /b/ ]

(* `let … in` binds the type of its value. *)
(* error: fail_let_in_types.aug:2.23-.38:concatenation of string and lens is not possible *)
