module Fail_rec_nullable =
let rec l = [ key /a/ . l ] | del /x*/ "" | del /y*/ ""

(* Two branches of a recursive union that accept the empty text. *)
(* error: fail_rec_nullable.aug:2.12-.55:exception: more than one nullable branch in a union *)
(* error:     First nullable lens: fail_rec_nullable.aug:2.30-.41: *)
(* error:     Second nullable lens: fail_rec_nullable.aug:2.44-.55: *)
(* notypecheck *)
