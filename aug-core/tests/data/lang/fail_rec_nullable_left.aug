module Fail_rec_nullable_left =
let rec l = [ l . label "x" ] | del /s*/ "s"

(* A left-recursive branch is nullable when the lens is. *)
(* error: fail_rec_nullable_left.aug:2.12-.44:exception: more than one nullable branch in a union *)
(* notypecheck *)
