//! Every editing call of the handle is all-or-nothing: random operations over the sample
//! root, and for each one that fails, the tree (labels, values, order, dirty flags) and the
//! variables are exactly what they were before it (issue 16).

use aug_core::{Augeas, Flags, Position};
use proptest::prelude::*;
use std::path::Path;

fn sample_root() -> tempfile::TempDir {
    aug_test_support::root_copy()
}

/// One editing call of the handle.
#[derive(Debug, Clone)]
enum Op {
    Set(String, Option<String>),
    Setm(String, String, Option<String>),
    Clear(String),
    Clearm(String, String),
    Touch(String),
    Ins(String, String, bool),
    Rm(String),
    Mv(String, String),
    Cp(String, String),
    Rename(String, String),
    Defvar(String, String),
    Defnode(String, String, Option<String>),
}

impl Op {
    fn run(&self, aug: &mut Augeas) -> Result<(), aug_core::Error> {
        match self {
            Op::Set(p, v) => aug.set(p, v.as_deref()),
            Op::Setm(b, s, v) => aug.setm(b, Some(s), v.as_deref()).map(drop),
            Op::Clear(p) => aug.clear(p),
            Op::Clearm(b, s) => aug.clearm(b, s).map(drop),
            Op::Touch(p) => aug.touch(p),
            Op::Ins(l, p, before) => aug.insert(
                p,
                l,
                if *before {
                    Position::Before
                } else {
                    Position::After
                },
            ),
            Op::Rm(p) => aug.rm(p).map(drop),
            Op::Mv(s, d) => aug.mv(s, d),
            Op::Cp(s, d) => aug.cp(s, d),
            Op::Rename(s, l) => aug.rename(s, l).map(drop),
            Op::Defvar(n, e) => aug.defvar(n, Some(e)).map(drop),
            Op::Defnode(n, e, v) => aug.defnode(n, e, v.as_deref()).map(drop),
        }
    }
}

/// Path steps over the sample root, many of which cannot be created or match several
/// nodes, so that plenty of calls fail halfway.
const STEPS: &[&str] = &[
    "etc",
    "etc[2]",
    "hosts",
    "hosts[2]",
    "passwd",
    "cron.d",
    "certbot",
    "logrotate.conf",
    "*",
    "1",
    "2",
    "99",
    "alias",
    "alias[1]",
    "alias[last()+1]",
    "ipaddr",
    "#comment",
    "x",
    "..",
    ".",
    "seq::*",
    "seq::certbot",
    "descendant::x",
    "following-sibling::*",
    "*[ipaddr='127.0.0.1']",
    "*[int(x) = 1]",
    "alias[int(.)]",
    "$v",
];

fn path() -> impl Strategy<Value = String> {
    let steps = prop::collection::vec(prop::sample::select(STEPS), 0..6);
    (steps, any::<bool>(), 0..8u8).prop_map(|(steps, abs, shape)| {
        let rel = steps.join("/");
        let base = if abs || rel.is_empty() {
            format!("/files/{rel}")
        } else {
            rel
        };
        match shape {
            0 => format!("{base}|/files/etc/hosts/1"),
            1 => format!("{base}["),
            _ => base.trim_end_matches('/').to_owned(),
        }
    })
}

fn value() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(&["v", "", "127.0.0.1"][..]).prop_map(str::to_owned))
}

fn label() -> impl Strategy<Value = String> {
    prop::sample::select(&["x", "a/b", "hosts", "1", "etc", "alias"][..]).prop_map(str::to_owned)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (path(), value()).prop_map(|(p, v)| Op::Set(p, v)),
        (path(), path(), value()).prop_map(|(b, s, v)| Op::Setm(b, s, v)),
        path().prop_map(Op::Clear),
        (path(), path()).prop_map(|(b, s)| Op::Clearm(b, s)),
        path().prop_map(Op::Touch),
        (label(), path(), any::<bool>()).prop_map(|(l, p, b)| Op::Ins(l, p, b)),
        path().prop_map(Op::Rm),
        (path(), path()).prop_map(|(s, d)| Op::Mv(s, d)),
        (path(), path()).prop_map(|(s, d)| Op::Cp(s, d)),
        (path(), label()).prop_map(|(s, l)| Op::Rename(s, l)),
        path().prop_map(|e| Op::Defvar("v".into(), e)),
        (path(), value()).prop_map(|(e, v)| Op::Defnode("v".into(), e, v)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn failed_operations_change_nothing(ops in prop::collection::vec(op(), 1..12)) {
        let root = sample_root();
        let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
        for op in &ops {
            let tree = aug.tree().clone();
            let vars = aug.vars().clone();
            if let Err(e) = op.run(&mut aug) {
                prop_assert!(aug.tree() == &tree, "{op:?} failed ({e}) and changed the tree");
                prop_assert!(aug.vars() == &vars, "{op:?} failed ({e}) and changed the variables");
            }
        }
    }
}

/// The three sessions of issue 16 that wrote files empty, through the library: the failed
/// command leaves nothing behind, and the save that follows writes nothing.
#[test]
fn r16_failed_commands_then_save_write_nothing() {
    type Edit = fn(&mut Augeas) -> Result<(), aug_core::Error>;
    let cases: &[(&str, Edit)] = &[
        ("set etc[2]", |a| a.set("/files/etc[2]/hosts/*", Some("x"))),
        ("clear etc[2]", |a| a.clear("/files/etc[2]/hosts/*")),
        ("touch etc[2]", |a| a.touch("/files/etc[2]/hosts/*")),
        ("set hosts/99", |a| {
            a.set("/files/etc/hosts/99/*/x", Some("y"))
        }),
        ("mv onto ancestor", |a| {
            a.mv("/files/etc/logrotate.conf/compressext", "/files/etc")
        }),
        ("cp onto parent", |a| {
            a.cp("/files/etc/hosts/8", "/files/etc/hosts")
        }),
        ("rename onto a file", |a| {
            a.rename("/files/etc/hosts", "passwd").map(drop)
        }),
        ("cp a directory twice", |a| {
            a.cp("/files/etc", "/files/etc[2]")
        }),
    ];
    for (name, f) in cases {
        let root = sample_root();
        let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
        let before = aug.tree().clone();
        assert!(f(&mut aug).is_err(), "{name}: must fail");
        assert!(aug.tree() == &before, "{name}: the tree changed");
        aug.save().unwrap();
        assert_eq!(
            aug.matches("/augeas/events/saved").unwrap(),
            Vec::<String>::new(),
            "{name}: nothing to save"
        );
        assert!(
            crate::atomic::same_files(root.path()),
            "{name}: files changed on disk"
        );
    }
}

/// `seq::NAME` is `child::NAME`: clearing a file node that has no value changes nothing.
#[test]
fn r16_seq_name_clears_the_named_node() {
    let root = sample_root();
    let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(
        aug.matches("/files/etc/cron.d/seq::certbot").unwrap(),
        ["/files/etc/cron.d/certbot"]
    );
    aug.clear("/files/etc/cron.d/seq::certbot").unwrap();
    aug.save().unwrap();
    assert!(same_files(root.path()));
}

/// Two nodes naming one file (here after `ins`, which Augeas allows): save refuses that
/// file, says why, and leaves it alone; Augeas writes `/etc/hosts` empty.
#[test]
fn r16_save_refuses_two_nodes_for_one_file() {
    let root = sample_root();
    let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
    aug.insert("/files/etc/hosts", "hosts", Position::After)
        .unwrap();
    aug.set("/files/etc/passwd/root/shell", Some("/bin/sh"))
        .unwrap();
    assert!(aug.save().is_err());
    assert_eq!(
        aug.get("/augeas/files/etc/hosts/error").unwrap().as_deref(),
        Some("multiple_nodes")
    );
    let msg = aug
        .get("/augeas/files/etc/hosts/error/message")
        .unwrap()
        .unwrap();
    assert!(msg.contains("/files/etc/hosts[2]"), "{msg}");
    let testroot = aug_test_support::testroot();
    assert_eq!(
        std::fs::read(root.path().join("etc/hosts")).unwrap(),
        std::fs::read(testroot.join("etc/hosts")).unwrap()
    );
    // The other file is saved as usual.
    assert!(
        std::fs::read_to_string(root.path().join("etc/passwd"))
            .unwrap()
            .starts_with("root:x:0:0:root:/root:/bin/sh\n")
    );
}

/// Whether every file under `root` has the same bytes as in `testroot/`, and no file was
/// added or removed.
pub(crate) fn same_files(root: &Path) -> bool {
    use aug_test_support::{files_of, testroot};
    files_of(root) == files_of(&testroot())
}
