module Pass_square_del_ends =
let d (s:string) = del s s
let lr (body:lens) = [ square (d "ab") (key "c" . body*) (d "ab") ]
let rec lr2 = lr lr2
test lr2 get "abcabcabab" = { "c" { "c" } }

(* A square of two dels around a key, recursive. *)
