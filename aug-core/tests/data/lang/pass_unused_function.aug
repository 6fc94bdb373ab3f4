module Pass_unused_function =
let f (l:lens) = l . l
let g (x:string) = del x x
let h = g "a"

(* A function body is typechecked, not evaluated: the lens it would make is never checked. *)
