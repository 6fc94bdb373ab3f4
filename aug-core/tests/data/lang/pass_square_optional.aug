module Pass_square_optional =
let d (s:string) = del s s
let rec z = [ square (key "ab") z? (d "ab") ]
test z get "abab" = { "ab" }
let c (body:lens) = [ square (key "ab") (store "c" . body*) (d "ab") ]
let rec cc = c cc
test cc get "abcabcabab" = { "ab" = "c" { "ab" = "c" } }

(* A recursive square whose body may be empty, or holds a value. *)
