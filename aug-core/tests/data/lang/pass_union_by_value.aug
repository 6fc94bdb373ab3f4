module Pass_union_by_value =
let d (s:string) = del s s
let lns = [ key /a/ . store /b/ . d " (l)" ] | [ key /a/ . store /c/ . d " (r)" ]
test lns put "ac (r)" after set "a" "b" = "ab (l)"
let e = [ del // "" . key /[a-z]+/ ]
test e get "abc" = { "abc" }
let f = [ label "l" ] | del /x/ "x"
let _ = lens_format_atype f
let p = [ key /[a-z]/ ]+
test p get "ab" = { "a" } { "b" }
test p put "ab" after rm "a" = "b"

(* Union branches told apart by their values; an empty regexp; `+`. *)
