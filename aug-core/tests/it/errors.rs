//! Typed errors of the handle: path errors keep their expression and position, a failed
//! save says which files failed and why, and `file_errors` reads what load and save
//! recorded under `/augeas/files`.

use aug_core::{Augeas, ErrorCode, ErrorKind, FileErrorKind, Flags};
use std::error::Error as _;
use std::fs;

fn open(hosts: &str) -> (tempfile::TempDir, Augeas) {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc")).unwrap();
    fs::write(root.path().join("etc/hosts"), hosts).unwrap();
    let aug = Augeas::builder()
        .root(root.path())
        .flags(Flags::NO_STDINC)
        .modules(aug_lenses::builtin_modules())
        .cache_dir(None)
        .open();
    (root, aug)
}

#[test]
fn path_errors_keep_expression_and_position() {
    let (_root, mut aug) = open("127.0.0.1 localhost\n");
    let e = aug.set("/files/etc/hosts/1/alias[", Some("x")).unwrap_err();
    assert_eq!(e.code(), ErrorCode::PathX);
    let p = e.path_error().expect("a path error");
    assert_eq!(p.expr, "/files/etc/hosts/1/alias[");
    assert!(p.pos <= p.expr.len());
    // The chain leads to the path error.
    let source = e.source().expect("a source");
    assert_eq!(source.to_string(), p.to_string());
    // Errors that are not about a path say so.
    let e = aug.get("/files/etc/hosts/1/*").unwrap_err();
    assert_eq!(e.code(), ErrorCode::MMatch);
    assert!(matches!(e.kind(), ErrorKind::Other));
}

#[test]
fn a_node_that_cannot_be_created_says_so() {
    let (_root, mut aug) = open("127.0.0.1 localhost\n");
    // `descendant::` matches nothing here, and no node can be made from it.
    let e = aug
        .set("/files/etc/hosts/descendant::x", Some("v"))
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PathX);
    assert!(matches!(e.kind(), ErrorKind::CannotCreate), "{e:?}");
    assert!(e.path_error().is_none());
    // A wrong expression is a path error, not this.
    let e = aug.set("/files/etc/hosts/x[", Some("v")).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Path(_)), "{e:?}");
}

#[test]
fn a_failed_save_lists_its_files() {
    let (_root, mut aug) = open("127.0.0.1 localhost\n");
    // An entry without the ipaddr the lens needs cannot be written.
    aug.set("/files/etc/hosts/2/canonical", Some("lonely"))
        .unwrap();
    let e = aug.save().unwrap_err();
    let ErrorKind::Save(files) = e.kind() else {
        panic!("not a save error: {e:?}");
    };
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(f.file, "/etc/hosts");
    assert_eq!(f.kind, FileErrorKind::PutFailed);
    assert!(
        f.path
            .as_deref()
            .is_some_and(|p| p.starts_with("/files/etc/hosts"))
    );
    assert!(f.message.is_some());
    // The same error stays readable afterwards, as C keeps it in the tree.
    assert_eq!(aug.file_errors(), files.clone());
    assert_eq!(e.source().map(|s| s.to_string()), Some(f.to_string()));
}

#[test]
fn load_errors_have_positions() {
    let (_root, aug) = open("127.0.0.1 localhost\n10.0.0.1\n");
    let errors = aug.file_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.kind, FileErrorKind::ParseFailed);
    assert_eq!(e.line, Some(2));
    assert!(e.pos.is_some() && e.char.is_some() && e.lens.is_some());
    // The whole file is left out of /files.
    assert!(aug.matches("/files/etc/hosts").unwrap().is_empty());
}
