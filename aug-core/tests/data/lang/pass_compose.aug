module Pass_compose =
let f (x:string) = x . /[a-z]/
let g (x:regexp) = key x
let h = f ; g
let _ = h "a"
test [ h "a" ] get "ab" = { "ab" }

(* `f ; g` composes functions whose types fit. *)
