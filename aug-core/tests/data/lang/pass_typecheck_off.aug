module Pass_typecheck_off =
let d = del /a/ "b"
let c = [ key /a|ab/ . del /b?c/ "c" ]
let o = (del /[ ]+/ " ")?
test [ key /x/ ] get "x" = { "x" }

(* Without the typechecker, del defaults, ambiguity and options are not checked. *)
(* notypecheck *)
