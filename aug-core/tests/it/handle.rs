//! The handle's load and save semantics, on a temp root with a small `key = value` lens.

use aug_core::lens::{concat, del, key, rx, store, subtree, union};
use aug_core::{Augeas, Flags, Module, NodeId, Tree};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

fn kv_module() -> Module {
    let entry = subtree(
        concat(vec![
            key(rx("[a-z]+").unwrap()),
            del(rx("[ \t]*=[ \t]*").unwrap(), " = "),
            store(rx("[0-9]+").unwrap()),
            del(rx("\n").unwrap(), "\n"),
        ])
        .unwrap(),
    );
    let empty = subtree(del(rx("[ \t]*\n").unwrap(), "\n"));
    Module {
        name: "Kv".into(),
        lens: union(vec![entry, empty]).unwrap().star().unwrap(),
        incl: vec!["/etc/kv/*".into()],
        excl: vec!["*.bak".into(), "*.augnew".into(), "*.augsave".into()],
    }
}

fn root_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, text) in files {
        let path = dir.path().join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

fn open(root: &Path, flags: Flags) -> Augeas {
    Augeas::open(Some(root), flags, vec![kv_module()])
}

/// Finds a node by plain labels from the tree root.
fn node(aug: &Augeas, labels: &[&str]) -> Option<NodeId> {
    let t: &Tree = aug.tree();
    let mut n = t.root();
    for l in labels {
        n = t.child(n, l)?;
    }
    Some(n)
}

fn set(aug: &mut Augeas, labels: &[&str], value: &str) {
    let n = node(aug, labels).unwrap();
    aug.tree_mut().set_value(n, Some(value));
}

fn value(aug: &Augeas, labels: &[&str]) -> Option<String> {
    node(aug, labels).and_then(|n| aug.tree().value(n).map(str::to_owned))
}

fn saved_events(aug: &Augeas) -> Vec<String> {
    let Some(ev) = node(aug, &["augeas", "events"]) else {
        return vec![];
    };
    aug.tree()
        .children(ev)
        .iter()
        .filter_map(|&c| aug.tree().value(c).map(str::to_owned))
        .collect()
}

fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains('.'))
        .collect()
}

#[test]
fn loads_files_and_metadata() {
    let root = root_with(&[("etc/kv/a", "x = 1\n\ny=2\n"), ("etc/kv/a.bak", "junk")]);
    let aug = open(root.path(), Flags::NONE);
    assert_eq!(
        value(&aug, &["files", "etc", "kv", "a", "y"]).as_deref(),
        Some("2")
    );
    assert!(
        node(&aug, &["files", "etc", "kv", "a.bak"]).is_none(),
        "excl applies"
    );
    assert_eq!(
        value(&aug, &["augeas", "files", "etc", "kv", "a", "path"]).as_deref(),
        Some("/files/etc/kv/a")
    );
    assert_eq!(
        value(&aug, &["augeas", "files", "etc", "kv", "a", "lens"]).as_deref(),
        Some("@Kv")
    );
}

#[test]
fn parse_errors_are_recorded_with_line_and_char() {
    let root = root_with(&[("etc/kv/bad", "x = 1\ny = z\n"), ("etc/kv/good", "a = 1\n")]);
    let aug = open(root.path(), Flags::NONE);
    let e = ["augeas", "files", "etc", "kv", "bad", "error"];
    assert_eq!(value(&aug, &e).as_deref(), Some("parse_failed"));
    let line = [&e[..], &["line"]].concat();
    let ch = [&e[..], &["char"]].concat();
    assert_eq!(value(&aug, &line).as_deref(), Some("2"));
    assert_eq!(value(&aug, &ch).as_deref(), Some("0"));
    assert!(
        node(&aug, &["files", "etc", "kv", "bad"]).is_none(),
        "no tree on failure"
    );
    assert!(
        node(&aug, &["files", "etc", "kv", "good"]).is_some(),
        "others unaffected"
    );
}

#[test]
fn overwrite_keeps_layout_owner_and_mode() {
    let root = root_with(&[("etc/kv/a", "x   =  1\ny=2\n")]);
    let p = root.path().join("etc/kv/a");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
    let mut aug = open(root.path(), Flags::NONE);
    set(&mut aug, &["files", "etc", "kv", "a", "y"], "3");
    aug.save().unwrap();
    assert_eq!(fs::read_to_string(&p).unwrap(), "x   =  1\ny=3\n");
    assert_eq!(fs::metadata(&p).unwrap().mode() & 0o777, 0o640);
    assert_eq!(saved_events(&aug), ["/files/etc/kv/a"]);
    assert_eq!(leftovers(&root.path().join("etc/kv")), Vec::<String>::new());
}

#[test]
fn unchanged_save_writes_nothing() {
    let root = root_with(&[("etc/kv/a", "x = 1\n")]);
    let p = root.path().join("etc/kv/a");
    let before = fs::metadata(&p).unwrap().modified().unwrap();
    let mut aug = open(root.path(), Flags::NONE);
    set(&mut aug, &["files", "etc", "kv", "a", "x"], "2");
    set(&mut aug, &["files", "etc", "kv", "a", "x"], "1");
    std::thread::sleep(std::time::Duration::from_millis(20));
    aug.save().unwrap();
    assert!(saved_events(&aug).is_empty());
    assert_eq!(fs::metadata(&p).unwrap().modified().unwrap(), before);
}

#[test]
fn backup_and_newfile_modes() {
    let root = root_with(&[("etc/kv/a", "x = 1\n")]);
    let dir = root.path().join("etc/kv");
    let mut aug = open(root.path(), Flags::SAVE_BACKUP);
    set(&mut aug, &["files", "etc", "kv", "a", "x"], "2");
    aug.save().unwrap();
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 2\n");
    assert_eq!(
        fs::read_to_string(dir.join("a.augsave")).unwrap(),
        "x = 1\n"
    );

    let mut aug = open(root.path(), Flags::SAVE_NEWFILE);
    set(&mut aug, &["files", "etc", "kv", "a", "x"], "3");
    aug.save().unwrap();
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 2\n");
    assert_eq!(fs::read_to_string(dir.join("a.augnew")).unwrap(), "x = 3\n");
}

#[test]
fn noop_reports_but_writes_nothing() {
    let root = root_with(&[("etc/kv/a", "x = 1\n")]);
    let mut aug = open(root.path(), Flags::SAVE_NOOP);
    set(&mut aug, &["files", "etc", "kv", "a", "x"], "2");
    aug.save().unwrap();
    assert_eq!(saved_events(&aug), ["/files/etc/kv/a"]);
    assert_eq!(
        fs::read_to_string(root.path().join("etc/kv/a")).unwrap(),
        "x = 1\n"
    );
}

#[test]
fn put_failure_leaves_original_and_no_temp_file() {
    let root = root_with(&[("etc/kv/a", "x = 1\n")]);
    let mut aug = open(root.path(), Flags::NONE);
    set(&mut aug, &["files", "etc", "kv", "a", "x"], "abc");
    assert!(aug.save().is_err());
    assert_eq!(
        fs::read_to_string(root.path().join("etc/kv/a")).unwrap(),
        "x = 1\n"
    );
    assert_eq!(leftovers(&root.path().join("etc/kv")), Vec::<String>::new());
    let e = ["augeas", "files", "etc", "kv", "a", "error"];
    assert_eq!(value(&aug, &e).as_deref(), Some("put_failed"));
    let msg = value(&aug, &[&e[..], &["message"]].concat()).unwrap();
    assert!(msg.contains("Value 'abc' does not match"), "{msg}");
}

#[test]
fn removing_a_file_subtree_deletes_the_file() {
    let root = root_with(&[("etc/kv/a", "x = 1\n"), ("etc/kv/b", "y = 1\n")]);
    let mut aug = open(root.path(), Flags::NONE);
    let a = node(&aug, &["files", "etc", "kv", "a"]).unwrap();
    aug.tree_mut().remove(a);
    aug.save().unwrap();
    assert!(!root.path().join("etc/kv/a").exists());
    assert!(root.path().join("etc/kv/b").exists());
    assert_eq!(saved_events(&aug), ["/files/etc/kv/a"]);
}

#[test]
fn a_new_subtree_creates_the_file() {
    let root = root_with(&[("etc/kv/a", "x = 1\n")]);
    let mut aug = open(root.path(), Flags::NONE);
    let kv = node(&aug, &["files", "etc", "kv"]).unwrap();
    let t = aug.tree_mut();
    let n = t.append_child(kv, Some("new"), None).unwrap();
    t.append_child(n, Some("k"), Some("7"));
    aug.save().unwrap();
    assert_eq!(
        fs::read_to_string(root.path().join("etc/kv/new")).unwrap(),
        "k = 7\n"
    );
}

#[test]
fn symlinks_inside_the_root_are_followed_outside_refused() {
    let outside = root_with(&[("target", "x = 1\n")]);
    let root = root_with(&[("etc/kv/real", "x = 1\n")]);
    let dir = root.path().join("etc/kv");
    std::os::unix::fs::symlink(dir.join("real"), dir.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("target"), dir.join("escape")).unwrap();
    let mut aug = open(root.path(), Flags::NONE);
    assert!(node(&aug, &["files", "etc", "kv", "escape"]).is_none());
    assert_eq!(
        value(&aug, &["augeas", "files", "etc", "kv", "escape", "error"]).as_deref(),
        Some("read_failed")
    );
    set(&mut aug, &["files", "etc", "kv", "link", "x"], "5");
    aug.save().unwrap();
    assert!(
        fs::symlink_metadata(dir.join("link"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(dir.join("real")).unwrap(), "x = 5\n");
    assert_eq!(
        fs::read_to_string(outside.path().join("target")).unwrap(),
        "x = 1\n"
    );
}

#[test]
fn reload_picks_up_external_changes_only() {
    let root = root_with(&[("etc/kv/a", "x = 1\n"), ("etc/kv/b", "y = 1\n")]);
    let mut aug = open(root.path(), Flags::NONE);
    let b_before = node(&aug, &["files", "etc", "kv", "b"]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    fs::write(root.path().join("etc/kv/a"), "x = 9\n").unwrap();
    aug.load().unwrap();
    assert_eq!(
        value(&aug, &["files", "etc", "kv", "a", "x"]).as_deref(),
        Some("9")
    );
    assert_eq!(
        node(&aug, &["files", "etc", "kv", "b"]),
        Some(b_before),
        "b untouched"
    );
}
