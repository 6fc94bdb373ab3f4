//! C programs built against `include/augeas.h`: `tests/c/probe.c` calls every function
//! of Augeas 1.14's interface and prints what it got, on the real library and on ours;
//! the transcripts must be the same except for the differences `tests/c/probe.accepted`
//! lists (each is one of aug-rs's documented ones; `UPDATE_ACCEPTED=1` rewrites it).
//! `tests/c/api.c` asserts what a transcript cannot show (aug-rs's additions, null
//! arguments, lent strings, `FILE *` output, `aug_to_xml`, `aug_init`'s search for the
//! root and the modules). With `RUN_SLOW_TESTS` set (scripts/test sets it), both run under
//! valgrind when it is installed (memory errors and leaks fail them), else `api.c` is
//! built with AddressSanitizer.

use crate::support::{Lib, Run, cache_dir, lib_dir, real_library, root_copy, run, which};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The C sources and the header.
fn c_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c")
}

/// Whether libxml2's headers are there (for `aug_to_xml` in `api.c`).
fn have_libxml2_headers() -> bool {
    Path::new("/usr/include/libxml2/libxml/tree.h").is_file()
}

/// Compiles `tests/c/NAME.c` against our header and library; `extra` adds flags.
fn compile(name: &str, extra: &[&str]) -> Option<PathBuf> {
    let Some(cc) = which("cc") else {
        eprintln!("skipped: no C compiler (cc)");
        return None;
    };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}{}",
        if extra.is_empty() { "" } else { "-extra" }
    ));
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let mut cmd = Command::new(cc);
    cmd.args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-g"])
        .arg("-I")
        .arg(&include)
        .args(extra)
        .arg("-o")
        .arg(&out)
        .arg(c_dir().join(format!("{name}.c")))
        .arg("-L")
        .arg(lib_dir())
        .arg("-laugeas");
    if name == "api" && have_libxml2_headers() && !extra.contains(&"-fsanitize=address") {
        cmd.args(["-DHAVE_LIBXML2", "-I/usr/include/libxml2", "-lxml2"]);
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "compiling {name}.c failed");
    Some(out)
}

/// Runs `program ROOT` on `lib` (under valgrind when `valgrind` is given) on a fresh
/// copy of `testroot/`; the root's path reads `ROOT` in the output.
fn run_on_root(lib: Lib, program: &Path, valgrind: Option<&Path>, env: &[(&str, &str)]) -> Run {
    let root = root_copy();
    let r = root.path().to_str().unwrap().to_owned();
    let prog = program.to_str().unwrap();
    let mut out = match valgrind {
        Some(vg) => run(
            lib,
            vg,
            &[
                "-q",
                "--error-exitcode=99",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect",
                "--show-leak-kinds=definite,indirect",
                prog,
                &r,
            ],
            "",
            root.path(),
            env,
        ),
        None => run(lib, program, &[&r], "", root.path(), env),
    };
    out.stdout = out.stdout.replace(&r, "ROOT");
    out.stderr = out.stderr.replace(&r, "ROOT");
    out
}

/// The differences between two transcripts, hunk by hunk, without line numbers.
fn differences(theirs: &str, ours: &str) -> String {
    let diff = similar::TextDiff::from_lines(theirs, ours);
    let mut out = String::new();
    for group in diff.grouped_ops(0) {
        out.push_str("@@\n");
        for op in group {
            for change in diff.iter_changes(&op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                out.push(sign);
                out.push_str(change.value());
                if !change.value().ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// The accepted differences, without the comment lines (`#`) that explain them.
fn accepted() -> (PathBuf, String) {
    let path = c_dir().join("probe.accepted");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let body = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    (path, body)
}

#[test]
fn probe_prints_what_the_real_library_prints() {
    let Some(real) = real_library() else {
        eprintln!("skipped: the real libaugeas.so.0 is not installed");
        return;
    };
    let Some(probe) = compile("probe", &[]) else {
        return;
    };
    // The same binary on both: linked against ours, it runs on the real library when
    // LD_LIBRARY_PATH does not point to ours (same SONAME, same symbol versions).
    let theirs = run_on_root(Lib::Real, &probe, None, &[]);
    let ours = run_on_root(Lib::Ours, &probe, None, &[]);
    assert_eq!(theirs.code, 0, "{}: {}", real.display(), theirs.stderr);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let got = differences(&theirs.stdout, &ours.stdout);
    let (path, want) = accepted();
    if std::env::var_os("UPDATE_ACCEPTED").is_some() {
        std::fs::write(&path, &got).unwrap();
        return;
    }
    assert!(
        got == want,
        "probe.c's transcripts differ otherwise than {} says:\n{}",
        path.display(),
        crate::support::diff(&want, &got, "differences")
    );
}

#[test]
fn probe_and_api_are_valgrind_clean_on_our_library() {
    // About 40 s: scripts/test runs it (RUN_SLOW_TESTS=1) in its C library step.
    if std::env::var_os("RUN_SLOW_TESTS").is_none() {
        eprintln!("skipped: set RUN_SLOW_TESTS=1 to run the C programs under valgrind");
        return;
    }
    let (Some(probe), Some(api)) = (compile("probe", &[]), compile("api", &[])) else {
        return;
    };
    let Some(valgrind) = which("valgrind") else {
        eprintln!("valgrind is not installed: api.c runs with AddressSanitizer instead");
        let Some(asan) = compile("api", &["-fsanitize=address"]) else {
            return;
        };
        let out = run_on_root(Lib::Ours, &asan, None, &[]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        return;
    };
    // A cold autoload cache first, so that scanning the modules runs under valgrind too.
    let cache = cache_dir().join("valgrind");
    let _ = std::fs::remove_dir_all(&cache);
    let env = [("AUG_RS_CACHE_DIR", cache.to_str().unwrap())];
    for program in [&api, &probe] {
        let out = run_on_root(Lib::Ours, program, Some(&valgrind), &env);
        assert_eq!(
            out.code,
            0,
            "{} under valgrind:\n{}",
            program.display(),
            out.stderr
        );
    }
}

#[test]
fn api_checks_pass() {
    let Some(api) = compile("api", &[]) else {
        return;
    };
    let out = run_on_root(Lib::Ours, &api, None, &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "all checks passed\n");
}
