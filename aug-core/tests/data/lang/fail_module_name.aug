module Elsewhere =
let x = "a"

(* A module must live in the file its name gives. *)
(* error: fail_module_name.aug:1.0-.6:The module Elsewhere must be in a file named elsewhere.aug *)
