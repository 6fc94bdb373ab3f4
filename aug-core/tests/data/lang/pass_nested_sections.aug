module Pass_nested_sections =
let word = /[a-z0-9]+/
let eol = del /[ \t]*\n/ "\n"
let entry = [ del /[ \t]*/ "" . key word . del /[ \t]*=[ \t]*/ "=" . store word . eol ]
let rec lns =
  let sec = [ del /[ \t]*/ "" . key word . del /[ \t]*\{[ \t]*\n/ " {\n" . lns . del /[ \t]*\}[ \t]*\n/ "}\n" ] in
  (sec | entry)+
test lns get "k = v\n" = { "k" = "v" }
test lns get "s {\n  a = 1\n  t {\n    b = 2\n  }\n}\n" = { "s" { "a" = "1" } { "t" { "b" = "2" } } }

(* Sections nested in sections. *)
