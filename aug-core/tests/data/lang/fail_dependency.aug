module Fail_dependency =
let l = Lang_broken.l

(* A module whose dependency fails to load fails too. *)
(* error: lang_broken.aug:2.8-.29:exception: Multiple stores in concat *)
(* error: fail_dependency.aug:2.8-.21:Could not load module Lang_broken for Lang_broken.l *)
