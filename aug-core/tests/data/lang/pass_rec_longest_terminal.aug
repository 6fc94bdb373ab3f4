module Pass_rec_longest_terminal =
let item = [ label "i" . store /[a-z]+/ ]
let rec t = item | [ label "a" . del "(" "(" . t . del ")" ")" ]
let comment = [ label "c" . store /[^ ]+/ . del /\n/ "\n" ]
let l = comment . t . del /x/ "x"
test l get "com\nbarx" = *
let m = comment . t . del /\n/ "\n"
test m get "com\nbar\n" = *
test m get "com bar\n" = *
let n = [ label "c" . store /[^\n]*/ . del /\n/ "\n" ] . t . del /\n/ "\n"
test n get "com\nbar\n" = { "c" = "com" } { "i" = "bar" }

(* Inside a recursive lens, C's parser takes only the longest match of a regular part: the
   item reads `barx` and leaves nothing for the `x`, the comment reads up to the last newline. *)
