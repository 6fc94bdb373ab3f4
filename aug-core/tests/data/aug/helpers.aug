(* Small reusable pieces for the lens-language integration tests. *)
module Helpers =

let eol = del /[ \t]*\n/ "\n"
let spc = del /[ \t]+/ " "
let opt_spc = del /[ \t]*/ ""
let word = /[A-Za-z0-9_.-]+/

(* A comment line: the text after '#' becomes the value of a "#comment" node. *)
let comment = [ label "#comment" . del /#[ \t]*/ "# " . store /([^ \t\n].*[^ \t\n]|[^ \t\n])/ . eol ]
let empty = [ del /[ \t]*\n/ "\n" ]

(* A key, a separator and a value, on one line. *)
let kv (k:regexp) (sep:string) (v:regexp) =
  [ key k . opt_spc . del sep sep . opt_spc . store v . eol ]

(* Items separated by commas, each a numbered node. *)
let list (item:regexp) =
  let one = [ seq "item" . store item ] in
  counter "item" . one . (del /,[ \t]*/ ", " . one)*
