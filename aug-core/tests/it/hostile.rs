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
    let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
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
    let aug = aug_lenses::open(Some(root.path()), Flags::NONE);
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
    let aug = aug_lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(
        aug.get("/augeas/files/etc/logrotate.d/deep/error")
            .unwrap()
            .as_deref(),
        Some("parse_failed")
    );
    assert_eq!(aug.count("/files/etc/logrotate.d/deep").unwrap(), 0);
}

/// Files that are not UTF-8 load, as in Augeas, and save back byte for byte: the bytes
/// that are not UTF-8 are stand-in characters in the tree (`aug_core::text`). (Before
/// issue 19 they were refused with `read_failed`.)
#[test]
fn r19_files_that_are_not_utf8_load_and_save_byte_for_byte() {
    let passwd: &[u8] =
        b"root:x:0:0:root:/root:/bin/bash\nbob:x:1000:1000:Bob M\xfcller,,,:/home/bob:/bin/sh\n";
    let hosts: &[u8] = b"# caf\xe9 \xff\xfe stray\n127.0.0.1 localhost h\xf4te\n";
    let root = root_with("etc/passwd", passwd);
    fs::write(root.path().join("etc/hosts"), hosts).unwrap();
    let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(aug.matches("/augeas//error").unwrap(), Vec::<String>::new());
    let gecos = aug.get("/files/etc/passwd/bob/name").unwrap().unwrap();
    assert!(aug_core::text::has_raw_bytes(&gecos));
    assert_eq!(aug_core::text::encode(&gecos).as_ref(), b"Bob M\xfcller,,,");
    // Untouched files stay as they are; an edit keeps the untouched bytes of the file.
    aug.set("/files/etc/hosts/1/alias[last()+1]", Some("new"))
        .unwrap();
    aug.save().unwrap();
    assert_eq!(fs::read(root.path().join("etc/passwd")).unwrap(), passwd);
    assert_eq!(
        fs::read(root.path().join("etc/hosts")).unwrap(),
        b"# caf\xe9 \xff\xfe stray\n127.0.0.1 localhost h\xf4te new\n"
    );
    // A value set with stand-ins is written as those bytes.
    let latin1 = aug_core::text::decode(b"na\xefve").into_owned();
    aug.set("/files/etc/hosts/1/alias[last()+1]", Some(&latin1))
        .unwrap();
    aug.save().unwrap();
    assert!(
        fs::read(root.path().join("etc/hosts"))
            .unwrap()
            .ends_with(b"new na\xefve\n")
    );
}

#[test]
fn r9_crlf_hosts_loads_like_augeas() {
    // C Augeas keeps the \r in the last value of each line.
    let root = root_with("etc/hosts", b"127.0.0.1 localhost\r\n");
    let aug = aug_lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(
        aug.get("/files/etc/hosts/1/canonical").unwrap().as_deref(),
        Some("localhost\r")
    );
}

#[test]
fn r9_set_with_too_many_matches_reports_the_count() {
    let root = root_with("etc/hosts", b"1.1.1.1 a\n2.2.2.2 b\n");
    let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
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

/// Loads `text` as `file` with the built-in lenses, checks the tree (as `augtool print`
/// shows it, C Augeas's output), applies `edits` (path, value), saves and checks the file.
#[track_caller]
fn check_edit(file: &str, text: &[u8], tree: &str, edits: &[(&str, &str)], saved: &[u8]) {
    let root = root_with(file, text);
    let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
    assert_eq!(aug.print(Some(&format!("/files/{file}"))).unwrap(), tree);
    for (path, value) in edits {
        aug.set(path, Some(value)).unwrap();
    }
    aug.save().unwrap();
    assert_eq!(fs::read(root.path().join(file)).unwrap(), saved);
}

// The trees and saved files below are C augtool 1.14's, byte for byte: both accept a last
// line without its newline, and an edited line gets the lens's newline back.
#[test]
fn r9_no_final_newline_hosts() {
    check_edit(
        "etc/hosts",
        b"127.0.0.1 localhost a",
        "/files/etc/hosts\n/files/etc/hosts/1\n/files/etc/hosts/1/ipaddr = \"127.0.0.1\"\n\
         /files/etc/hosts/1/canonical = \"localhost\"\n/files/etc/hosts/1/alias = \"a\"\n",
        &[("/files/etc/hosts/1/alias[2]", "b")],
        b"127.0.0.1 localhost a b\n",
    );
}

#[test]
fn r9_no_final_newline_passwd() {
    check_edit(
        "etc/passwd",
        b"root:x:0:0:root:/root:/bin/bash",
        "/files/etc/passwd\n/files/etc/passwd/root\n/files/etc/passwd/root/password = \"x\"\n\
         /files/etc/passwd/root/uid = \"0\"\n/files/etc/passwd/root/gid = \"0\"\n\
         /files/etc/passwd/root/name = \"root\"\n/files/etc/passwd/root/home = \"/root\"\n\
         /files/etc/passwd/root/shell = \"/bin/bash\"\n",
        &[("/files/etc/passwd/root/shell", "/bin/sh")],
        b"root:x:0:0:root:/root:/bin/sh\n",
    );
}

#[test]
fn r9_no_final_newline_crontab() {
    check_edit(
        "etc/crontab",
        b"SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly",
        "/files/etc/crontab\n/files/etc/crontab/SHELL = \"/bin/sh\"\n\
         /files/etc/crontab/entry = \"cd / && run-parts --report /etc/cron.hourly\"\n\
         /files/etc/crontab/entry/time\n/files/etc/crontab/entry/time/minute = \"17\"\n\
         /files/etc/crontab/entry/time/hour = \"*\"\n\
         /files/etc/crontab/entry/time/dayofmonth = \"*\"\n\
         /files/etc/crontab/entry/time/month = \"*\"\n\
         /files/etc/crontab/entry/time/dayofweek = \"*\"\n\
         /files/etc/crontab/entry/user = \"root\"\n",
        &[("/files/etc/crontab/entry/user", "nobody")],
        b"SHELL=/bin/sh\n17 * * * * nobody cd / && run-parts --report /etc/cron.hourly\n",
    );
}

#[test]
fn r9_no_final_newline_logrotate() {
    check_edit(
        "etc/logrotate.conf",
        b"weekly\nrotate 4\n/var/log/x {\n  daily\n}",
        "/files/etc/logrotate.conf\n/files/etc/logrotate.conf/schedule = \"weekly\"\n\
         /files/etc/logrotate.conf/rotate = \"4\"\n/files/etc/logrotate.conf/rule\n\
         /files/etc/logrotate.conf/rule/file = \"/var/log/x\"\n\
         /files/etc/logrotate.conf/rule/schedule = \"daily\"\n",
        &[
            ("/files/etc/logrotate.conf/rule/rotate", "2"),
            ("/files/etc/logrotate.conf/compress", "compress"),
        ],
        b"weekly\nrotate 4\n/var/log/x {\n  daily\n\trotate 2\n}\ncompress\n",
    );
}

/// A NUL byte is an ordinary character: C Augeas stops reading at the first NUL (here it
/// would load `canonical = "a"` and a save would drop the rest of the file); aug-rs keeps
/// every byte.
#[test]
fn r9_nul_bytes_are_kept() {
    check_edit(
        "etc/hosts",
        b"127.0.0.1 a\0b\n",
        "/files/etc/hosts\n/files/etc/hosts/1\n/files/etc/hosts/1/ipaddr = \"127.0.0.1\"\n\
         /files/etc/hosts/1/canonical = \"a\\000b\"\n",
        &[("/files/etc/hosts/1/alias", "x")],
        b"127.0.0.1 a\0b x\n",
    );
}

/// Binary junk as /etc/hosts is refused clearly and never loaded half: what the lens does
/// not accept is `parse_failed`. (C Augeas loads `\0\x01\x02\n` as an empty file,
/// truncating at the NUL.)
#[test]
fn r9_binary_hosts_is_refused() {
    // Bytes from a fixed xorshift generator: NULs, controls, invalid UTF-8.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let junk: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        })
        .collect();
    for (text, kind) in [
        (&junk[..], "parse_failed"),
        (b"\0\x01\x02\n", "parse_failed"),
        (b"127.0.0.1 a\n\0\0\0", "parse_failed"),
    ] {
        let root = root_with("etc/hosts", text);
        let mut aug = aug_lenses::open(Some(root.path()), Flags::NONE);
        assert_eq!(
            aug.get("/augeas/files/etc/hosts/error").unwrap().as_deref(),
            Some(kind)
        );
        assert_eq!(aug.count("/files/etc/hosts").unwrap(), 0);
        aug.save().unwrap();
        assert_eq!(fs::read(root.path().join("etc/hosts")).unwrap(), text);
    }
}
