module Fail_transform_key =
let x = transform (key /a/) (incl "/dev/null")

(* A file lens must put its key in a node. *)
(* error: fail_transform_key.aug:2.8-.46:exception: Can not build a transform from a lens that leaves a key behind *)
(* notypecheck *)
