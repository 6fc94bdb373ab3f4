module Fail_rec_empty_concat =
let rec l = [ key /a/ ] . l

(* Every text of it would contain itself. *)
(* error: fail_rec_empty_concat.aug:2.12-.27:exception: recursive lens generates the empty language for its ctype *)
(* notypecheck *)
