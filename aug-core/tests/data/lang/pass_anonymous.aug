module Pass_anonymous =
let _ = "x"
let _ = "y"
test [ key /a/ ] get "a" = { "a" }

(* `_` may be defined again. *)
