//! Fuzz target: parse any string as a path expression and evaluate it against a small tree;
//! errors are fine, panics and stack overflows are not.
#![no_main]

use aug_core::print::parse_print;
use aug_core::{PathExpr, Vars};
use libfuzzer_sys::fuzz_target;

const TREE: &str = "/files\n/files/etc\n/files/etc/hosts\n/files/etc/hosts/1\n\
/files/etc/hosts/1/ipaddr = \"127.0.0.1\"\n/files/etc/hosts/1/canonical = \"localhost\"\n\
/files/etc/hosts/1/alias[1] = \"a\"\n/files/etc/hosts/1/alias[2] = \"b\"\n\
/files/etc/hosts/#comment = \"x\"\n/files/etc/passwd\n/files/etc/passwd/root\n\
/files/etc/passwd/root/uid = \"0\"\n/files/etc/passwd/root/shell = \"/bin/bash\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tree) = parse_print(TREE) else {
        return;
    };
    if let Ok(expr) = PathExpr::parse(text) {
        let _ = expr.eval(&tree, &Vars::new(), tree.root());
    }
});
