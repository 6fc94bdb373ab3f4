module Pass_square_tags =
let elem (body:lens) =
  let g = del ">" ">" . body . del "</" "</" in
  [ del "<" "<" . square (key /[a-z]+/) g (del /[a-z]+/ "a") . del ">" ">" ] *
let rec xml = elem xml
test xml get "<a><b><c></c></b></a>" = { "a" { "b" { "c" } } }
test xml get "<a><b></b><c></c></a>" = { "a" { "b" } { "c" } }
test xml get "<a><b></c></a>" = *
test xml put "<a></a>" after clear "/x/y" = "<a></a><x><y></y></x>"

(* Nested tags that must match. *)
