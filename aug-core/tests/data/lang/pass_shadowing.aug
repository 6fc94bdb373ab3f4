module Pass_shadowing =
let l = let x = "a" in let x = "b" in [ key x ]
let f (x:string) (x:string) = x
test l get "b" = { "b" }

(* Local names and parameters may shadow each other. *)
