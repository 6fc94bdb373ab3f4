module Pass_square_nocase =
let s = store /[yz]/
let sq = [ square (key /x/i) s (del /x/i "x") ] *
test sq get "xyXXyxXyx" = { "x" = "y" }{ "X" = "y" }{ "X" = "y" }
test sq put "xyX" after set "/x[3]" "z" = "xyxxzx"

(* Case-insensitive ends of a square. *)
