//! Integration tests of the `.aug` front end: run the small modules of
//! `tests/data/aug/` and check how many of their tests pass.

use aug_core::lang::{Interpreter, Options};
use std::path::PathBuf;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/aug")
}

#[track_caller]
fn check_module(file: &str, passed: usize) {
    let interp = Interpreter::new(vec![data()], Options::default());
    let report = interp.run_file(&data().join(file)).unwrap();
    assert_eq!(
        (report.passed, report.failed),
        (passed, 0),
        "{}",
        report.output
    );
}

#[test]
fn kv_module() {
    check_module("test_kv.aug", 6);
}

#[test]
fn language_features() {
    check_module("test_features.aug", 13);
}

#[test]
fn strict_mode_evaluates_every_binding() {
    let opts = Options {
        strict: true,
        ..Options::default()
    };
    let interp = Interpreter::new(vec![data()], opts);
    let report = interp.run_file(&data().join("test_kv.aug")).unwrap();
    assert_eq!((report.passed, report.failed), (6, 0), "{}", report.output);
}

#[test]
fn missing_module_is_reported_where_it_is_used() {
    let interp = Interpreter::new(vec![data()], Options::default());
    let src = "module Test_missing =\ntest Nowhere.lns get \"x\" = *\n";
    let report = interp.run_source("test_missing.aug", src).unwrap();
    assert_eq!((report.passed, report.failed), (0, 1));
    assert!(
        report
            .output
            .contains("test_missing.aug:2:6: module Nowhere not found on the load path"),
        "{}",
        report.output
    );
}
