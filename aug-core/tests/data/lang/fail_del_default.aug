module Fail_del_default =
let l = del /[0-9]+/ "x"

(* A del default its regexp does not accept. *)
(* error: fail_del_default.aug:2.8-.24:exception: del: the default value 'x' does not match /[0-9]+/ *)
