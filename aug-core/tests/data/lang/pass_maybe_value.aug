module Pass_maybe_value =
let lns = [ key /a/ . (del /=/ "=" . store /x/)? ]
test lns get "a=x" = { "a" = "x" }
test lns get "a" = { "a" }

(* An option that sets a value can be told apart in put. *)
