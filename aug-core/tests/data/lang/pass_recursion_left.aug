module Pass_recursion_left =
let rec pn = [ pn . key /x/ ] | del /s*/ ""
test pn get "sx" = { "x" }
test pn get "x" = { "x" }
test pn get "sxx" = { "x" { "x" } }
let rec u2 = del /u*/ "" . [ u2 . key /x/ ] | del /s*/ ""
test u2 get "sx" = { "x" }
test u2 get "x" = { "x" }

(* Left recursion: the recursive lens comes first in its own subtree. *)
