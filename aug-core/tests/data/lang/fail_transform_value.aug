module Fail_transform_value =
let l = store /a/
let x = transform l (incl "/dev/null")

(* A file lens must put its value in a node. *)
(* error: fail_transform_value.aug:3.8-.38:exception: Can not build a transform from a lens that leaves a value behind *)
(* notypecheck *)
