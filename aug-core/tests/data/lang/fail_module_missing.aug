module Fail_module_missing =
let l = Nosuchmodule.lns

(* A module that is on no load path. *)
(* error: fail_module_missing.aug:2.8-.24:Could not load module Nosuchmodule for Nosuchmodule.lns *)
