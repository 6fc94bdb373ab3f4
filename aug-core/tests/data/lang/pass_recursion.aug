module Pass_recursion =
let rec lns =
  let k = [ key /[a-z]+/ ] in
  let node = [ label "S" . del "<" "<" . lns . del ">" ">" ] in
  (node | k)*
test lns get "<x>" = { "S" { "x" } }
test lns put "<x>" after clear "/S/S/S/x" = "<x<<x>>>"
test lns get "<<yo>><zulu>" = { "S" { "S" { "yo" } } } { "S" { "zulu" } }

(* Recursion through an iterated union. *)
