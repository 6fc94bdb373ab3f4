module Fail_rec_empty =
let rec l = l

(* A recursive lens that never stops. *)
(* error: fail_rec_empty.aug:2.12-.13:exception: recursive lens generates the empty language for its ctype *)
(* notypecheck *)
