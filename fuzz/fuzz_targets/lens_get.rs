//! Fuzz target: every built-in lens's get on arbitrary text, and put of the unchanged tree
//! must give the text back (GetPut) whenever get succeeds.
#![no_main]

use aug_core::Tree;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Bytes 0x01-0x04 separate labels from values in put's tree encoding, so values that
    // contain them load but cannot be written back (as in Augeas).
    if data.iter().any(|b| (1..=4).contains(b)) {
        return;
    }
    for m in lenses::modules() {
        let Ok(lens) = (m.lens)() else { continue };
        let Ok(parsed) = lens.get(text) else { continue };
        let mut tree = Tree::new();
        let root = tree.root();
        for (i, c) in parsed.children.into_iter().enumerate() {
            tree.graft(root, i, c);
        }
        let out = lens.put(&tree, root, text);
        assert_eq!(out.as_deref(), Ok(text), "GetPut failed for {}", m.name);
    }
});
