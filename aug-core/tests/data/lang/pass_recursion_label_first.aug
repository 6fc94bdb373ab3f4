module Pass_recursion_label_first =
let rec u1 = [ label "x" . u1 . store /y/ ] | [ key "z" ]
test u1 get "z" = { "z" }
test u1 get "zy" = { "x" = "y" { "z" } }
test u1 get "zyy" = { "x" = "y" { "x" = "y" { "z" } } }

(* Left recursion behind a lens that reads nothing. *)
