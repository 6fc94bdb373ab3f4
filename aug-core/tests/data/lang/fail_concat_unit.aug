module Fail_concat_unit =
let l = () . "a"

(* The unit value cannot be concatenated. *)
(* error: fail_concat_unit.aug:2.8-.10:type error: expected string, regexp, lens, or filter but found unit *)
