//! Hostile input: huge lines, deep nesting, huge numbers, binary junk, odd labels. Each
//! case must give a clear error or correct behaviour, never a panic or a stack overflow.

use aug_core::{ErrorCode, Flags, PathExpr, Tree, Vars};
use std::fs;

fn root_with(file: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(file);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
    dir
}

#[track_caller]
fn check_path_error(expr: &str, minor: &str) {
    let err = PathExpr::parse(expr)
        .and_then(|e| {
            e.eval(&Tree::new(), &Vars::new(), Tree::new().root())
                .map(|_| e)
        })
        .unwrap_err();
    assert_eq!(err.kind.message(), minor, "{expr:.40}");
}

#[test]
fn r9_path_expressions() {
    let deep = 100_000;
    check_path_error(
        &format!("{}1{}", "(".repeat(deep), ")".repeat(deep)),
        "expression nested too deeply",
    );
    check_path_error(
        &format!("/a{}", "[b".repeat(deep)),
        "expression nested too deeply",
    );
    check_path_error("/a[99999999999]", "illegal number");
    check_path_error("/a[1", "unmatched '['");
    check_path_error("/a[", "illegal string literal"); // as libaugeas says
}

#[test]
fn r9_labels_with_punctuation_round_trip_through_escaping() {
    let root = tempfile::tempdir().unwrap();
    let mut aug = lenses::open(Some(root.path()), Flags::NONE);
    let label = "a b/c[d]e|f=g(h)i!j,k\\l'm\"n*o:p";
    let path = format!("/x/{}", aug_core::Augeas::escape_name(label));
    aug.set(&path, Some("v")).unwrap();
    assert_eq!(aug.label(&path).unwrap().as_deref(), Some(label));
    assert_eq!(aug.matches("/x/*").unwrap(), [path]);
}

#[test]
fn r9_a_one_megabyte_line_loads() {
    let mut text = b"# ".to_vec();
    text.extend(std::iter::repeat_n(b'x', 1 << 20));
    text.extend_from_slice(b"\n127.0.0.1 localhost\n");
    let root = root_with("etc/hosts", &text);
    let aug = lenses::open(Some(root.path()), Flags::NONE);
    let c = aug.get("/files/etc/hosts/#comment").unwrap().unwrap();
    assert_eq!(c.len(), 1 << 20);
    assert_eq!(
        aug.get("/files/etc/hosts/1/canonical").unwrap().as_deref(),
        Some("localhost")
    );
}

#[test]
fn r9_ten_thousand_nested_braces_are_a_parse_error() {
    let mut text = "/var/log/x ".to_owned();
    text.push_str(&"{\n".repeat(10_000));
    text.push_str(&"}\n".repeat(10_000));
    let root = root_with("etc/logrotate.d/deep", text.as_bytes());
    let aug = lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(
        aug.get("/augeas/files/etc/logrotate.d/deep/error")
            .unwrap()
            .as_deref(),
        Some("parse_failed")
    );
    assert_eq!(aug.count("/files/etc/logrotate.d/deep").unwrap(), 0);
}

#[test]
fn r9_binary_and_invalid_utf8_are_refused_clearly() {
    let root = root_with("etc/passwd", b"root:x:0:0:\xff\xfe:/root:/bin/sh\n\x00\x01");
    let aug = lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(
        aug.get("/augeas/files/etc/passwd/error")
            .unwrap()
            .as_deref(),
        Some("read_failed")
    );
    let msg = aug
        .get("/augeas/files/etc/passwd/error/message")
        .unwrap()
        .unwrap();
    assert!(msg.contains("not valid UTF-8 at byte 11"), "{msg}");
}

#[test]
fn r9_crlf_hosts_loads_like_augeas() {
    // C Augeas keeps the \r in the last value of each line.
    let root = root_with("etc/hosts", b"127.0.0.1 localhost\r\n");
    let aug = lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(
        aug.get("/files/etc/hosts/1/canonical").unwrap().as_deref(),
        Some("localhost\r")
    );
}

#[test]
fn r9_set_with_too_many_matches_reports_the_count() {
    let root = root_with("etc/hosts", b"1.1.1.1 a\n2.2.2.2 b\n");
    let mut aug = lenses::open(Some(root.path()), Flags::NONE);
    let err = aug
        .set("/files/etc/hosts/*/canonical", Some("x"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::MMatch);
    assert_eq!(
        err.details.as_deref(),
        Some("There are 2 nodes matching /files/etc/hosts/*/canonical")
    );
}

/// Runs `src` as module `Deep` (file `deep.aug`, empty load path) and returns the error
/// message, or the report as `passed/failed` when it loads.
fn run_aug(src: &str) -> String {
    let interp = aug_core::lang::Interpreter::new(Vec::new(), aug_core::lang::Options::default());
    match interp.run_source("deep.aug", &format!("module Deep =\n{src}")) {
        Ok(r) => format!("{}/{} {}", r.passed, r.failed, r.output),
        Err(e) => e.to_string(),
    }
}

#[track_caller]
fn check_aug_too_deep(src: &str) {
    let got = run_aug(src);
    assert!(got.contains("nested too deeply"), "{got:.300}");
}

#[test]
fn r9_aug_deep_nesting_is_a_syntax_error() {
    let n = 100_000;
    let open = "(".repeat(n);
    let close = ")".repeat(n);
    check_aug_too_deep(&format!("let x = {open}\"a\"{close}\n"));
    check_aug_too_deep(&format!(
        "let x = {}\"a\"{}\n",
        "[".repeat(n),
        "]".repeat(n)
    ));
    check_aug_too_deep(&format!("let x = \"a\"{}\n", " . \"a\"".repeat(n)));
    check_aug_too_deep(&format!("let x = \"a\"{}\n", " | \"a\"".repeat(n)));
    check_aug_too_deep(&format!("let x = del{}\n", " \"a\"".repeat(n)));
    check_aug_too_deep(&format!("let x = {}\"a\"\n", "let a = \"a\" in ".repeat(n)));
    check_aug_too_deep(&format!(
        "let f (g:{}) = g\n",
        "string -> ".repeat(n) + "string"
    ));
    check_aug_too_deep(&format!("let f (g:{open}string{close}) = g\n"));
    check_aug_too_deep(&format!(
        "test [ key /a/ ] get \"a\" = {}{}\n",
        "{ \"a\" ".repeat(n),
        "}".repeat(n)
    ));
}

#[test]
fn r9_aug_nesting_up_to_the_limit_works() {
    // Augeas's own modules nest far less than this.
    let n = 200;
    let got = run_aug(&format!(
        "let x = {}\"a\"{}\nlet y = \"a\"{}\n\
         test [ key x ] get \"a\" = {{ \"a\" }}\ntest [ key y ] get \"a\" = {{ \"a\" }}\n",
        "(".repeat(n),
        ")".repeat(n),
        " | \"a\"".repeat(n)
    ));
    assert_eq!(got, "2/0 ", "{got:.300}");
}

#[test]
fn r9_aug_long_chains_of_bindings_evaluate() {
    // Lazy evaluation forces each binding from the next one: a long chain must not
    // overflow the stack.
    let n = 5_000;
    let mut src = "let a0 = \"x\"\n".to_owned();
    for i in 1..n {
        src.push_str(&format!("let a{i} = a{}\n", i - 1));
    }
    src.push_str(&format!(
        "test [ key a{} ] get \"x\" = {{ \"x\" }}\n",
        n - 1
    ));
    assert_eq!(run_aug(&src), "1/0 ");
}
