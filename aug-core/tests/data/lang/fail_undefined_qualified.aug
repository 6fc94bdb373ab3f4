module Fail_undefined_qualified =
let l = Util.no_such_binding

(* A qualified name the other module does not define. *)
(* error: fail_undefined_qualified.aug:2.8-.28:Undefined variable Util.no_such_binding *)
