module Pass_recursion_ambiguous =
let rec ambig = [ ambig . label "x" ] | del /s+/ "s"
test ambig get "" = *
test ambig get "s" = *

(* Simple left recursion that would go around forever: C accepts the lens and fails each get. *)
