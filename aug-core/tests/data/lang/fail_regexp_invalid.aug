module Fail_regexp_invalid =
let r = /a(b/

(* Regexp literals must compile. *)
(* error: fail_regexp_invalid.aug:2.8-.13:Invalid regular expression: Unmatched ( or \( *)
