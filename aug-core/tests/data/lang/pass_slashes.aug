module Pass_slashes =
let k = [ key /[^]]+/ ]
let l = [ label "a/b" ]
test k get "a/b" = { "a/b" }

(* Augeas 1.14 lets keys and labels contain slashes. *)
