module Fail_rec_empty_star =
let rec l = (l)*

(* C takes an iteration to be as empty as what it iterates. *)
(* error: fail_rec_empty_star.aug:2.12-.16:exception: recursive lens generates the empty language for its ctype *)
(* notypecheck *)
