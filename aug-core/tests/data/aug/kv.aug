(* A key = value format with comments, blank lines, and [sections]. *)
module Kv =

let entry = Helpers.kv (Helpers.word - /section|list/) "=" /[^ \t\n]([^\n]*[^ \t\n])?/
let list_entry = [ key "list" . Helpers.opt_spc . del ":" ":" . Helpers.opt_spc
                   . Helpers.list /[a-z0-9]+/ . Helpers.eol ]
let line = Helpers.comment | Helpers.empty | entry | list_entry
let section = [ label "section" . del "[" "[" . store Helpers.word . del "]" "]" . Helpers.eol . line* ]
let lns = line* . section*
