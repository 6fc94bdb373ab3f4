module Pass_recursion_mixed =
let rec r = [ key "a" . r ] | [ key "a" . store "x" ]
let star = r*
test star get "aax" = { "a" { "a" = "x" } }
test star put "axaaxax" after rm "/a[2]" = "axax"
let top = [ label "top" . r* . value "high" ]
test top get "axaax" = { "top" = "high" { "a" = "x" } { "a" { "a" = "x" } } }
let union = (r | [ key "b" . store /[a-z]/ ])*
test union put "aaxbyax" after set "/b[2]" "z"; rm "/b[1]" = "aaxaxbz"

(* A recursive lens used inside regular ones. *)
