module Lang_helper =
let entry = [ key /[a-z]+/ . del "=" "=" . store /[0-9]+/ . del "\n" "\n" ]

(* A dependency, for pass_dependency. *)
