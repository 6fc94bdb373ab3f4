module Pass_partial_application =
let d = del "a"
let e = d "a"
let s = square (key /a/)

(* Builtins apply one argument at a time. *)
