module Pass_square_sequence =
let rex = /[a-z]/
let d (s:string) = del s s
let rec cs = [ square (key rex) (d "") (del rex "a") . cs* . square (del rex "a") (d "") (del rex "a") ]
test cs get "aabbccdd" = { "a" { "b" } }
test cs put "aabbccdd" after clear "/a" = "aabbccdd"
test cs put "aabb" after clear "/a/z" = "aazzaabb"

(* Two squares in a row. *)
