module Pass_transform =
let lns = [ key /a/ . del /\n/ "\n" ]*
let xfm = transform lns (incl "/etc/a" . excl "*.bak")

(* A transform of a lens that makes only nodes. *)
