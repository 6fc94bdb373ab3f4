//! The language bindings Debian ships for Augeas, unchanged, on both libraries: each
//! script under `tests/bindings/` exercises one binding's whole API (python-augeas
//! 0.5.0, Perl's Config::Augeas, ruby-augeas 0.5.0) and prints what every call gave; the
//! output, the exit code and the files left behind must be the same on the real library
//! and on ours. A binding that is not installed is skipped (`apt-get install
//! python3-augeas libconfig-augeas-perl ruby-augeas`).

use crate::support::{Lib, Run, diff, files_of, real_library, root_copy, run};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The script `name` under `tests/bindings/`.
fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bindings")
        .join(name)
}

/// Whether `interpreter args...` succeeds (the binding loads).
fn available(interpreter: &str, args: &[&str]) -> bool {
    Path::new(interpreter).is_file()
        && real_library().is_some()
        && Command::new(interpreter)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
}

/// Runs `interpreter script ROOT` on `lib` on a fresh copy of `testroot/`.
fn run_script(lib: Lib, interpreter: &str, name: &str) -> (Run, tempfile::TempDir) {
    let root = root_copy();
    let r = root.path().to_str().unwrap().to_owned();
    let s = script(name);
    let mut out = run(
        lib,
        Path::new(interpreter),
        &[s.to_str().unwrap(), &r],
        "",
        root.path(),
        &[],
    );
    out.stdout = out.stdout.replace(&r, "ROOT");
    out.stderr = out.stderr.replace(&r, "ROOT");
    (out, root)
}

/// Runs the script on both libraries and compares.
fn same_on_both(interpreter: &str, name: &str) {
    let (theirs, their_root) = run_script(Lib::Real, interpreter, name);
    let (ours, our_root) = run_script(Lib::Ours, interpreter, name);
    assert_eq!(theirs.code, 0, "{name} on Augeas: {}", theirs.stderr);
    assert_eq!(ours.code, 0, "{name} on aug-rs: {}", ours.stderr);
    assert!(
        ours.stdout == theirs.stdout,
        "{name}: the output differs\n{}",
        diff(&theirs.stdout, &ours.stdout, "stdout")
    );
    assert!(
        files_of(our_root.path()) == files_of(their_root.path()),
        "{name}: the files left behind differ"
    );
    assert!(
        ours.stdout.lines().count() > 50,
        "{name} printed too little"
    );
}

#[test]
fn python_augeas_gives_the_same_results() {
    if !available("/usr/bin/python3", &["-c", "import augeas"]) {
        eprintln!("skipped: python3-augeas is not installed");
        return;
    }
    same_on_both("/usr/bin/python3", "python_augeas.py");
}

#[test]
fn perl_config_augeas_gives_the_same_results() {
    if !available("/usr/bin/perl", &["-MConfig::Augeas", "-e", "1"]) {
        eprintln!("skipped: libconfig-augeas-perl is not installed");
        return;
    }
    same_on_both("/usr/bin/perl", "config_augeas.pl");
}

#[test]
fn ruby_augeas_gives_the_same_results() {
    if !available("/usr/bin/ruby", &["-raugeas", "-e", "1"]) {
        eprintln!("skipped: ruby-augeas is not installed");
        return;
    }
    same_on_both("/usr/bin/ruby", "ruby_augeas.rb");
}
