//! Debian's `/usr/bin/augtool` (the C program, linked against libaugeas.so.0) runs each of
//! augtool-rs's test scripts twice, on the real library and on ours: standard output,
//! exit code and the files left on disk must be identical byte for byte, and so must the
//! error reports on standard error (augtool prints them from `aug_error*`), except where
//! aug-rs words things its own way: the reason and position of a path expression's
//! syntax error, and the output of the scripts augtool-rs's own differential test leaves
//! out (`# differential: no`: `help` texts, lens error messages), whose exit codes and
//! files must still agree. Skipped when augtool or the real library is not installed.

use crate::support::{Lib, Run, diff, files_of, real_library, root_copy, run};
use aug_test_support::{ScriptHeader, scripts};
use std::fs;
use std::path::{Path, PathBuf};

/// Debian's augtool, if installed.
fn debian_augtool() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/augtool");
    (p.is_file() && real_library().is_some()).then_some(p)
}

/// `stderr` with what aug-core words its own way blanked out: after `error: Invalid path
/// expression`, the reason (`error: ...`) and where in the expression (`|=|`) it stopped.
fn normalise(stderr: &str) -> String {
    let mut out = Vec::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        out.push(line.to_owned());
        if line == "error: Invalid path expression" {
            let mut next = lines.next();
            if next.is_some_and(|l| l.starts_with("error: ")) {
                out.push("error: (the reason)".to_owned());
                next = lines.next();
            }
            if let Some(expr) = next {
                out.push(expr.replace("|=|", ""));
            }
        }
    }
    out.join("\n")
}

/// Runs `script` with augtool on `lib`, on a fresh copy of `testroot/`.
fn run_script(
    augtool: &Path,
    lib: Lib,
    script: &Path,
    args: &[String],
) -> (Run, tempfile::TempDir) {
    let root = root_copy();
    let r = root.path().to_str().unwrap().to_owned();
    let mut all: Vec<&str> = vec!["-r", r.as_str()];
    all.extend(args.iter().map(String::as_str));
    all.extend(["-f", script.to_str().unwrap()]);
    let mut out = run(lib, augtool, &all, "", root.path(), &[]);
    out.stdout = out.stdout.replace(&r, "ROOT");
    out.stderr = out.stderr.replace(&r, "ROOT");
    (out, root)
}

#[test]
fn debian_augtool_runs_the_differential_scripts_on_our_library() {
    let Some(augtool) = debian_augtool() else {
        eprintln!("skipped: Debian's augtool or libaugeas0 is not installed");
        return;
    };
    let scripts = scripts();
    let mut failures = Vec::new();
    let mut compared = 0;
    for path in &scripts {
        let ScriptHeader { args, differential } =
            ScriptHeader::read(&fs::read_to_string(path).unwrap());
        compared += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (ours, our_root) = run_script(&augtool, Lib::Ours, path, &args);
        let (theirs, their_root) = run_script(&augtool, Lib::Real, path, &args);
        if differential && ours.stdout != theirs.stdout {
            failures.push(format!(
                "{name}: stdout differs\n{}",
                diff(&theirs.stdout, &ours.stdout, "stdout")
            ));
        }
        if differential && normalise(&ours.stderr) != normalise(&theirs.stderr) {
            failures.push(format!(
                "{name}: stderr differs\n{}",
                diff(&theirs.stderr, &ours.stderr, "stderr")
            ));
        }
        if ours.code != theirs.code {
            failures.push(format!(
                "{name}: exit code {} (Augeas: {})",
                ours.code, theirs.code
            ));
        }
        if files_of(our_root.path()) != files_of(their_root.path()) {
            failures.push(format!("{name}: resulting files differ"));
        }
    }
    assert!(compared > 20, "only {compared} scripts were compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn debian_augtool_loads_our_library_through_ld_library_path() {
    let Some(augtool) = debian_augtool() else {
        eprintln!("skipped: Debian's augtool or libaugeas0 is not installed");
        return;
    };
    let dir = crate::support::lib_dir();
    let out = std::process::Command::new("ldd")
        .arg(&augtool)
        .env("LD_LIBRARY_PATH", dir)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = out
        .lines()
        .find(|l| l.contains("libaugeas.so.0"))
        .unwrap_or_default();
    assert!(
        line.contains(&format!("{}/libaugeas.so.0", dir.display())),
        "augtool does not load ours: {line}"
    );
}
