module Pass_store_maybe =
let lns = [ key /[a-z]+/ . del / +/ " " . (store /[0-9]+/) ? ]
test lns put "k " after rm "x" = "k "
test lns put "k " after set "k" "7" = "k 7"
test lns put "k 7" after set "k" "8" = "k 8"
test lns put "k 7" after insa "k" "k"; rm "k[1]" = "k "
let ds = [ key /[a-z]+/ . (del /[ -]*/ "--" . store /[0-9]+/) ? ]
test ds put "k 0" after rm "x" = "k 0"
test ds put "k" after set "k" "1" = "k--1"

(* An option holding a store is chosen by whether the node has a value. *)
