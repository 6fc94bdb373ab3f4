module Pass_rec_ambiguous_parse =
let rec l = [ key /a/ . l* ] | [ key /b/ ]
test l get "ab" = { "a" { "b" } }
test l get "aab" = *
let rec m = [ key /a/ . m? . m? ]
test m get "a" = { "a" }
test m get "aa" = *

(* C's parser for recursive lenses finds every parse of a text: a text read in two ways
   (nested or side by side, by one branch or the other) is an ambiguous parse. *)
