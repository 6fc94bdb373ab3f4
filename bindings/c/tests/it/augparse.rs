//! Debian's `/usr/bin/augparse` (linked against libaugeas.so.0, which it asks to load a
//! module and run its tests through `__aug_load_module_file`) on both libraries: the same
//! exit code for stock test modules, a module whose tests fail and one that does not
//! parse, and the same error report for the failed tests. The test reports themselves are aug-rs's
//! (augparse-rs's wording). Skipped when augparse is not installed.

use crate::support::{Lib, real_library, run};
use std::path::{Path, PathBuf};

fn augparse() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/augparse");
    let stock = Path::new("/usr/share/augeas/lenses/dist/tests");
    (p.is_file() && stock.is_dir() && real_library().is_some()).then_some(p)
}

#[test]
fn debian_augparse_runs_module_tests_on_our_library() {
    let Some(augparse) = augparse() else {
        eprintln!("skipped: augparse or the stock lenses are not installed");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let failing = dir.path().join("test_failing.aug");
    std::fs::write(
        &failing,
        "module Test_failing =\n  let l = [ key /a/ ]\n  test l get \"a\" = { \"b\" }\n",
    )
    .unwrap();
    let broken = dir.path().join("test_broken.aug");
    std::fs::write(&broken, "module Test_broken =\n  let l = [ key /a/\n").unwrap();
    let stock = Path::new("/usr/share/augeas/lenses/dist/tests");
    let modules = [
        stock.join("test_hosts.aug"),
        stock.join("test_passwd.aug"),
        stock.join("test_shellvars.aug"),
        failing,
        broken,
    ];
    for m in &modules {
        let m = m.to_str().unwrap();
        let args = ["--notypecheck", m];
        let theirs = run(Lib::Real, &augparse, &args, "", dir.path(), &[]);
        let ours = run(Lib::Ours, &augparse, &args, "", dir.path(), &[]);
        assert_eq!(ours.code, theirs.code, "{m}: {}", ours.stderr);
        if theirs.code != 0 {
            // augparse prints aug_error_message, then the details: "Failed to load FILE"
            // when tests fail, the parser's message for a syntax error.
            for (who, r) in [("Augeas", &theirs), ("aug-rs", &ours)] {
                assert!(
                    r.stderr.contains("Syntax error in lens definition\n"),
                    "{m} on {who}: {}",
                    r.stderr
                );
            }
            if m.ends_with("test_failing.aug") {
                let want = format!("Syntax error in lens definition\nFailed to load {m}\n");
                assert!(theirs.stderr.ends_with(&want), "{m}: {}", theirs.stderr);
                assert!(ours.stderr.ends_with(&want), "{m}: {}", ours.stderr);
            }
        }
    }
}
