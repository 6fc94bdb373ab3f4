module Pass_union_without_key =
let lns = [ key /a/ . ([ store /b/ ] | del /c/ "c") ]
test lns get "ab" = { "a" { = "b" } }
test lns get "ac" = { "a" }

(* A union whose branches make no label of the enclosing node. *)
