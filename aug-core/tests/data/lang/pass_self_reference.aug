module Pass_self_reference =
let b = "b"
let a = Pass_self_reference.b

(* A module refers to its earlier bindings by qualified name. *)
