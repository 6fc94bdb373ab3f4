module Pass_square_subtrees =
let a = [ square (key /a/) [ key /b/ ] (del /a/ "a") ]
test a get "aba" = { "a" { "b" } }
let b = [ square (del /<[a-z]+>/ "<x>") ([ key /[0-9]+/ ] . [ label "n" . store /[a-z]+/ ]) (del /<[a-z]+>/ "<x>") ]
test b get "<p>12abc<p>" = { { "12" } { "n" = "abc" } }
test b get "<p>12abc<q>" = *
let c = [ key /x/ . square (del /\(/ "(") ([ key /[a-z]/ ]*) (del /\(/ "(") ]
test c get "x(ab(" = { "x" { "a" } { "b" } }
test c put "x(ab(" after rm "/x/a" = "x(b("
let f = square (key /[a-z]+/) (del ":" ":") (del /[a-z]+/ "a")
test [ f . [ key /[0-9]/ ] ] get "ab:ab5" = { "ab" { "5" } }

(* Subtrees inside a square. *)
