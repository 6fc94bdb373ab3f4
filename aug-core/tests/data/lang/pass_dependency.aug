module Pass_dependency =
let l = Lang_helper.entry*
test l get "a=1\nb=2\n" = { "a" = "1" } { "b" = "2" }

(* A module found on the load path. *)
