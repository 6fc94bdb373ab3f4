(* Language features: functions, let-in, coercions, nocase, square, postfix operators. *)
module Test_features =

let twice (l:lens) = l . l
let pair = twice [ key /[a-z]/ . del ";" ";" ]
test pair get "a;b;" = { "a" } { "b" }

let nocase = [ key /yes|no/i . del "\n" "\n" ]*
test nocase get "YES\nNo\n" = { "YES" } { "No" }

let quoted = [ label "q" . square (del /["']/ "\"") (store /[a-z]*/) (del /["']/ "\"") ]
test quoted get "'abc'" = { "q" = "abc" }
test quoted get "'abc\"" = *
test quoted put "'abc'" after set "/q" "de" = "'de'"

let dotted = [ key ("a.b" | "c") ]
test dotted get "a.b" = { "a.b" }
test dotted get "axb" = *

let numbered = [ seq "n" . store /[0-9]+/ . del "\n" "\n" ]+
test numbered get "7\n8\n" = { "1" = "7" } { "2" = "8" }

let with_value = [ label "k" . value "fixed" . del "x" "x" ]
test with_value get "x" = { "k" = "fixed" }

let maybe = [ key /[a-z]+/ . (del "=" "=" . store /[0-9]+/)? . del "\n" "\n" ]*
test maybe put "a=1\nb\n" after set "/c" "2" ; clear "/a" = "a\nb\nc=2\n"
test maybe put "a=1\nb\n" after rm "/a" ; insa "c" "/b" = "b\nc\n"
test maybe put "a=1\n" after set "/a[last()+1]" "2" = "a=1\na=2\n"
test maybe put "a=1\na=2\n" after rm "/a[. = '1']" = "a=2\n"
