module Fail_read_file =
let x = Sys.read_file "/nonexistent/aug-rs/file"

(* Sys.read_file fails on a file that is not there. *)
(* error: fail_read_file.aug:2.8-.48:exception: reading file /nonexistent/aug-rs/file failed: *)
(* error:     No such file or directory *)
