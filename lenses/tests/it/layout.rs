//! Saving with the layout recorded at load (no second parse of the original text) writes
//! exactly what saving with a fresh parse writes, whatever the edits: two handles on two
//! copies of testroot make the same random edits, one forgets its layouts, and both save
//! twice (the second save uses the layout the first one recorded).

use crate::handle::copy_testroot;
use aug_core::{Augeas, Flags};
use proptest::prelude::*;
use std::path::Path;

#[derive(Debug, Clone)]
enum Op {
    Set(usize, usize),
    Rm(usize),
    /// A new `#comment` before (or after) a node, with a value.
    Comment(usize, bool),
    Cp(usize),
    Mv(usize, usize),
    Rename(usize, usize),
}

const VALUES: &[&str] = &["x", "10.0.0.9", "two words", "/bin/false", "*", ""];
const LABELS: &[&str] = &["#comment", "alias", "01", "zz"];

fn op() -> impl Strategy<Value = Op> {
    let i = any::<usize>();
    prop_oneof![
        3 => (i, 0..VALUES.len()).prop_map(|(n, v)| Op::Set(n, v)),
        2 => i.prop_map(Op::Rm),
        2 => (i, any::<bool>()).prop_map(|(n, b)| Op::Comment(n, b)),
        1 => i.prop_map(Op::Cp),
        1 => (i, any::<usize>()).prop_map(|(a, b)| Op::Mv(a, b)),
        1 => (i, 0..LABELS.len()).prop_map(|(n, l)| Op::Rename(n, l)),
    ]
}

/// Applies `op` to the nodes of the files; errors are part of the result compared.
fn apply(aug: &mut Augeas, op: &Op) -> String {
    let nodes = aug
        .matches("/files/etc//*[label() != '']")
        .unwrap_or_default();
    if nodes.is_empty() {
        return String::new();
    }
    let pick = |n: usize| nodes[n % nodes.len()].clone();
    let r = match op {
        Op::Set(n, v) => aug.set(&pick(*n), Some(VALUES[*v])),
        Op::Rm(n) => aug.rm(&pick(*n)).map(drop),
        Op::Comment(n, before) => {
            let p = pick(*n);
            aug.insert(
                &p,
                "#comment",
                if *before {
                    aug_core::Position::Before
                } else {
                    aug_core::Position::After
                },
            )
            .and_then(|()| {
                let axis = if *before { "preceding" } else { "following" };
                aug.set(&format!("{p}/{axis}-sibling::*[1]"), Some("new"))
            })
        }
        Op::Cp(n) => {
            let p = pick(*n);
            let label = aug.label(&p).ok().flatten().unwrap_or_default();
            aug.cp(&p, &format!("{p}/../{label}[last()+1]"))
        }
        Op::Mv(a, b) => aug.mv(&pick(*a), &pick(*b)),
        Op::Rename(n, l) => aug.rename(&pick(*n), LABELS[*l]).map(drop),
    };
    format!("{op:?}: {r:?}\n")
}

/// Saves, and returns what happened: the result, the errors recorded and every file.
fn save(aug: &mut Augeas, root: &Path) -> String {
    let mut out = format!("save: {:?}\n", aug.save().map_err(|e| e.to_string()));
    out.push_str(&aug.print(Some("/augeas/files//error")).unwrap_or_default());
    for rel in crate::common::files_under(root) {
        let text = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
        out.push_str(&format!("== {rel}\n{text}"));
    }
    out
}

/// The first line where `a` (recorded layout) and `b` (fresh parse) differ, with the
/// file it belongs to.
fn first_difference(a: &str, b: &str) -> String {
    let mut file = "";
    for (x, y) in a.lines().zip(b.lines()) {
        if x.starts_with("== ") {
            file = x;
        }
        if x != y {
            return format!("{file}\nrecorded layout: {x:?}\nfresh parse:     {y:?}");
        }
    }
    format!("lengths differ: {} and {} bytes", a.len(), b.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn r7_save_with_recorded_layout_equals_save_with_fresh_parse(
        first in prop::collection::vec(op(), 1..6),
        second in prop::collection::vec(op(), 0..4),
    ) {
        let (da, db) = (copy_testroot(), copy_testroot());
        let mut a = aug_lenses::open(Some(da.path()), Flags::NONE);
        let mut b = aug_lenses::open(Some(db.path()), Flags::NONE);
        b.forget_layouts();
        for ops in [&first, &second] {
            let (mut ra, mut rb) = (String::new(), String::new());
            for op in ops.iter() {
                ra.push_str(&apply(&mut a, op));
                rb.push_str(&apply(&mut b, op));
            }
            b.forget_layouts();
            ra.push_str(&save(&mut a, da.path()));
            rb.push_str(&save(&mut b, db.path()));
            prop_assert!(ra == rb, "{}", first_difference(&ra, &rb));
        }
    }
}

/// A file changed on disk between load and save: the recorded layout no longer describes
/// it (same length, other bytes; or another length), so save parses the new text, as C
/// Augeas does, and writes exactly what a fresh parse writes: the values of the tree (a
/// value changed on disk is overwritten), the layout of the new text (a new separator).
#[test]
fn r7_layout_of_a_file_changed_on_disk_is_not_used() {
    let cases = [
        ("1\tlocalhost", "1\tLOCALHOST", "127.0.0.1\tlocalhost\n"),
        ("1\tlocalhost", "1   localhost", "127.0.0.1   localhost\n"),
    ];
    for (from, to, line) in cases {
        let (da, db) = (copy_testroot(), copy_testroot());
        let mut a = aug_lenses::open(Some(da.path()), Flags::NONE);
        let mut b = aug_lenses::open(Some(db.path()), Flags::NONE);
        b.forget_layouts();
        for d in [&da, &db] {
            let p = d.path().join("etc/hosts");
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(text.contains(from));
            std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        }
        for aug in [&mut a, &mut b] {
            aug.set("/files/etc/hosts/3/canonical", Some("renamed.example.org"))
                .unwrap();
            aug.save().unwrap();
        }
        let read = |d: &tempfile::TempDir| std::fs::read_to_string(d.path().join("etc/hosts"));
        let (ta, tb) = (read(&da).unwrap(), read(&db).unwrap());
        assert_eq!(ta, tb);
        assert!(
            ta.contains(line) && ta.contains("renamed.example.org"),
            "{ta}"
        );
    }
}

/// After a save, a reload would number `seq` labels afresh: with record 1 removed, the
/// record labelled 2 meets the layout of the file's new second record at the next save,
/// as C does. The layout put records must not keep the old labels.
#[test]
fn r7_second_save_sees_seq_labels_as_a_reload_would() {
    let (da, db) = (copy_testroot(), copy_testroot());
    let mut a = aug_lenses::open(Some(da.path()), Flags::NONE);
    let mut b = aug_lenses::open(Some(db.path()), Flags::NONE);
    for aug in [&mut a, &mut b] {
        aug.rm("/files/etc/hosts/1").unwrap();
        aug.save().unwrap();
    }
    b.forget_layouts();
    for aug in [&mut a, &mut b] {
        aug.rm("/files/etc/hosts/8/alias[1]").unwrap();
        aug.save().unwrap();
    }
    let read = |d: &tempfile::TempDir| std::fs::read_to_string(d.path().join("etc/hosts"));
    assert_eq!(read(&da).unwrap(), read(&db).unwrap());
}
