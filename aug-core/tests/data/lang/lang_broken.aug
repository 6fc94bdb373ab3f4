module Lang_broken =
let l = store /a/ . store /b/

(* A dependency that fails to load, for fail_dependency. *)
