//! `Augeas::builder`: the load path, the flags, built-in modules winning over `.aug`
//! modules of the same name.

use aug_core::{Augeas, Flags};
use std::fs;

/// A module with `autoload` that reads `/etc/kv` as `key=value` lines.
const KV_AUG: &str = r#"module Kv =
  autoload xfm
  let line = [ key /[a-z]+/ . del "=" "=" . store /[^\n]*/ . del "\n" "\n" ]
  let lns = line*
  let xfm = transform lns (incl "/etc/kv")
"#;

/// A `hosts.aug` that would read /etc/hosts as one opaque value, if it won.
const HOSTS_AUG: &str = r#"module Hosts =
  autoload xfm
  let lns = [ label "all" . store /[^\001]*/ ]
  let xfm = transform lns (incl "/etc/hosts")
"#;

#[test]
fn loadpath_modules_load_and_builtins_win() {
    let lib = tempfile::tempdir().unwrap();
    fs::write(lib.path().join("kv.aug"), KV_AUG).unwrap();
    fs::write(lib.path().join("hosts.aug"), HOSTS_AUG).unwrap();
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc")).unwrap();
    fs::write(root.path().join("etc/kv"), "alpha=1\nbeta=two\n").unwrap();
    fs::write(root.path().join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
    let cache = tempfile::tempdir().unwrap();

    let aug = Augeas::builder()
        .root(root.path())
        .loadpath([lib.path()])
        .flags(Flags::NO_STDINC)
        .modules(aug_lenses::builtin_modules())
        .cache_dir(Some(cache.path().join("aug-rs")))
        .open();
    assert_eq!(
        aug.get("/files/etc/kv/beta").unwrap().as_deref(),
        Some("two")
    );
    // The built-in Hosts lens, not hosts.aug's.
    assert_eq!(
        aug.get("/files/etc/hosts/1/canonical").unwrap().as_deref(),
        Some("localhost")
    );
    assert_eq!(aug.get("/files/etc/hosts/all").unwrap(), None);
    // The load path as Augeas reports it: the given directory only (no standard ones).
    let lp = aug.loadpath();
    assert_eq!(lp, [lib.path().to_string_lossy().into_owned()]);
}

#[test]
fn without_loadpath_only_builtins() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc")).unwrap();
    fs::write(root.path().join("etc/kv"), "alpha=1\n").unwrap();
    let aug = Augeas::builder()
        .root(root.path())
        .flags(Flags::NO_STDINC)
        .modules(aug_lenses::builtin_modules())
        .cache_dir(None)
        .open();
    assert!(aug.loadpath().is_empty());
    assert_eq!(aug.get("/files/etc/kv/alpha").unwrap(), None);
    assert!(aug.get("/augeas/load/Hosts").unwrap().is_none());
    assert!(aug.matches("/augeas/load/Hosts").unwrap().len() == 1);
}

#[test]
fn no_load_reads_nothing() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc")).unwrap();
    fs::write(root.path().join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
    let aug = Augeas::builder()
        .root(root.path())
        .flags(Flags::NO_STDINC | Flags::NO_LOAD)
        .modules(aug_lenses::builtin_modules())
        .cache_dir(None)
        .open();
    assert!(aug.matches("/files/etc/hosts").unwrap().is_empty());
}
