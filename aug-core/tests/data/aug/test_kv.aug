(* Tests of the Kv module: get, put, expected failures. *)
module Test_kv =

let conf = "# top
a = 1

[main]
b=two words
list: x, y,z
"

test Kv.lns get conf =
  { "#comment" = "top" }
  { "a" = "1" }
  {}
  { "section" = "main"
    { "b" = "two words" }
    { "list" { "1" = "x" } { "2" = "y" } { "3" = "z" } } }

test Kv.entry get "section = 1\n" = *
test Kv.lns get "no separator\n" = *

test Kv.lns put conf after
  set "section/b" "3" ;
  rm "a" ;
  set "section/list/4" "w" ;
  insb "#comment" "section/list" ;
  set "section/#comment" "the list"
= "# top

[main]
b=3
# the list
list: x, y,z, w
"

test Kv.lns put "" after set "/k" "v" = "k=v\n"
test Kv.lns put "a = 1\n" after set "/a" "has\nnewline" = *
