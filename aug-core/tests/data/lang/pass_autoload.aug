module Pass_autoload =
autoload xfm
let lns = [ key /a/ . del /\n/ "\n" ]*
let xfm = transform lns (incl "/etc/a")
let _ = print_string "printed"
let _ = print_regexp /a|b/

(* A module that autoloads its transform; print_string and print_regexp. *)
