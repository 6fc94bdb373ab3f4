module Fail_autoload_undefined =
autoload xfm
let lns = [ key /a/ ]

(* The transform autoload names must exist. *)
(* error: fail_autoload_undefined.aug:1.0-.6:Undefined transform in autoload xfm *)
