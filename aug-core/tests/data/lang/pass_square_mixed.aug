module Pass_square_mixed =
let d (s:string) = del s s
let r1 = [ square (key "y") (d "") (d "y") ]
let r2 = [ square (key "y") r1 (d "y") ]
let rec rr = [ square (key "x") (r2 | rr) (d "x") ]?
test rr get "xyyyyx" = { "x" { "y" { "y" } } }
test rr put "" after clear "/x/y/y" = "xyyyyx"
let rec s4 = [ del /[a]+/ "a" . square (key /[b]|[c]/) (d "x" | s4) (del /[b]|[c]/ "b") ]
test s4 put "aabaaacxcb" after rm "x" = "aabaaacxcb"

(* Regular squares inside recursive ones. *)
