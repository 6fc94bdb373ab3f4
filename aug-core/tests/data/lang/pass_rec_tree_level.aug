module Pass_rec_tree_level =
let rec l = [ key /a/ ] . l?
test l get "aa" = { "a" } { "a" }
test l put "aa" after set "/a[3]" "" = "aaa"
test l put "aaa" after rm "/a[2]" = "aa"
let rec m = [ key /a/ ] . m . [ key /c/ ] | [ key /b/ ]
test m get "aabcc" = { "a" } { "a" } { "b" } { "c" } { "c" }
test m put "aabcc" after rm "/a[1]" = *
test m put "aabcc" after rm "/a[1]"; rm "/c[1]" = "abc"
let rec h = h . [ key /x/ ] | [ key /y/ ]
test h get "yxx" = { "y" } { "x" } { "x" }
test h put "yxx" after rm "/x[1]" = "yx"

(* Recursion at the lens's own tree level: C approximates its tree language by a regular one. *)
