module Fail_union_shadow =
let l = store /[a-z]+/ | del /(abc|xyz)/ "abc"

(* The first branch shadows the second. *)
(* error: fail_union_shadow.aug:2.8-.46:exception: overlapping lenses in union.get *)
