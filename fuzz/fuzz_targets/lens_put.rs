//! Fuzz target: load a testroot file, apply edits chosen by the input (set a value, remove
//! a node, insert a node), then put. Put may refuse the tree, but when it succeeds, get of
//! the result must give the edited tree back (PutGet).
#![no_main]

use aug_core::{NodeId, Tree};

/// The tree as (depth, label, value) lines, with all-digit labels replaced by `#` and an
/// empty value shown as no value (put encodes both alike, as Augeas does).
fn shape(tree: &Tree) -> Vec<(usize, Option<String>, Option<String>)> {
    tree.descendants_or_self(tree.root())
        .skip(1)
        .map(|n| {
            let label = tree.label(n).map(|l| {
                if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) {
                    "#".to_owned()
                } else {
                    l.to_owned()
                }
            });
            let value = tree.value(n).filter(|v| !v.is_empty()).map(str::to_owned);
            (tree.depth(n), label, value)
        })
        .collect()
}
use libfuzzer_sys::fuzz_target;

const FILES: &[(&str, &str)] = &[
    ("Hosts", include_str!("../../testroot/etc/hosts")),
    ("Passwd", include_str!("../../testroot/etc/passwd")),
    ("Cron", include_str!("../../testroot/etc/crontab")),
    ("Logrotate", include_str!("../../testroot/etc/logrotate.conf")),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, ops)) = data.split_first() else {
        return;
    };
    let (name, text) = FILES[usize::from(pick) % FILES.len()];
    let Some(Ok(lens)) = lenses::module(name).map(|m| (m.lens)()) else {
        return;
    };
    let Ok(parsed) = lens.get(text) else { return };
    let mut tree = Tree::new();
    let root = tree.root();
    for (i, c) in parsed.children.into_iter().enumerate() {
        tree.graft(root, i, c);
    }
    for op in ops.chunks(3) {
        let all: Vec<NodeId> = tree.descendants_or_self(root).skip(1).collect();
        if all.is_empty() {
            break;
        }
        let &[kind, which, v] = op else { break };
        let node = all[usize::from(which) % all.len()];
        let value = ["x", "", "1", "a b", "0:0", "#", "\n"][usize::from(v) % 7];
        match kind % 3 {
            0 => {
                tree.set_value(node, Some(value));
            }
            1 => {
                tree.remove(node);
            }
            _ => {
                let label = tree.label(node).map(str::to_owned);
                tree.insert_sibling(node, label.as_deref(), v % 2 == 0);
            }
        }
    }
    if let Ok(out) = lens.put(&tree, root, text) {
        let back = lens.get(&out).expect("put produced text its own get rejects");
        let mut again = Tree::new();
        let r2 = again.root();
        for (i, c) in back.children.into_iter().enumerate() {
            again.graft(r2, i, c);
        }
        // `seq` labels are renumbered by get, so compare them by position only.
        assert_eq!(shape(&again), shape(&tree), "PutGet failed for {name}");
    }
});
