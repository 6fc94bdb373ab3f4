module Fail_multiple_keys_let_in =
let l = let k = key /a/ in k+

(* The position is that of the iteration inside `let … in`. *)
(* error: fail_multiple_keys_let_in.aug:2.27-.29:exception: Multiple keys/labels in iteration *)
(* notypecheck *)
