//! Test support: temp copies of `testroot/`, running augtool-rs or C augtool on them,
//! script headers, and rendering runs and changed files for snapshots.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aug_test_support::ScriptHeader;
pub use aug_test_support::{Run, files_of, root_copy, scripts, testroot};

/// Where the tests' runs of augtool-rs keep their autoload cache (shared by the tests, so
/// most runs use it as a user's would; never inside a root that is compared).
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("autoload-cache")
}

/// Runs `program` with `args` and `stdin`, with HOME pointing to `home` so the history
/// file stays out of the way, and the autoload cache in [`cache_dir`].
pub fn run_program(program: &Path, args: &[&str], stdin: &str, home: &Path) -> Run {
    let mut child = Command::new(program)
        .args(args)
        .env("HOME", home)
        .env("AUG_RS_CACHE_DIR", cache_dir())
        .env_remove("AUGEAS_ROOT")
        .env_remove("AUGEAS_LENS_LIB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// Our binary.
pub fn augtool_rs() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_augtool-rs"))
}

/// Runs augtool-rs with `args` on stdin `input`, on a fresh root copy; returns the run
/// and the root (for inspecting files).
pub fn run_rs(args: &[&str], input: &str) -> (Run, tempfile::TempDir) {
    let root = root_copy();
    let r = root.path().to_str().unwrap().to_owned();
    let mut all = vec!["-r", r.as_str()];
    all.extend_from_slice(args);
    let run = run_program(&augtool_rs(), &all, input, root.path());
    (run, root)
}

/// A test script: its file and what its header says ([`ScriptHeader`]).
#[derive(Debug)]
pub struct Script {
    /// The file.
    pub path: PathBuf,
    /// The extra options.
    pub args: Vec<String>,
    /// Compared with C augtool.
    pub differential: bool,
}

impl Script {
    /// Reads the header of the script at `path`.
    pub fn load(path: &Path) -> Script {
        let header = ScriptHeader::read(&fs::read_to_string(path).unwrap());
        Script {
            path: path.to_owned(),
            args: header.args,
            differential: header.differential,
        }
    }

    /// Runs the script with `program` on a fresh copy of `testroot/`.
    pub fn run(&self, program: &Path) -> (Run, tempfile::TempDir) {
        let root = root_copy();
        let r = root.path().to_str().unwrap().to_owned();
        let mut args: Vec<&str> = vec!["-r", r.as_str()];
        args.extend(self.args.iter().map(String::as_str));
        let file = self.path.to_str().unwrap();
        args.extend(["-f", file]);
        let mut run = run_program(program, &args, "", root.path());
        run.stdout = run.stdout.replace(&r, "ROOT");
        run.stderr = run.stderr.replace(&r, "ROOT");
        (run, root)
    }
}

/// A unified diff of `root` against `testroot/`: what a run changed on disk.
pub fn changes(root: &Path) -> String {
    let before = files_of(&testroot());
    let after = files_of(root);
    let mut out = String::new();
    let names: std::collections::BTreeSet<&String> =
        before.iter().chain(after.iter()).map(|(n, _)| n).collect();
    for name in names {
        let old = before.iter().find(|(n, _)| n == name).map(|(_, b)| b);
        let new = after.iter().find(|(n, _)| n == name).map(|(_, b)| b);
        if old == new {
            continue;
        }
        let old = old.map(|b| String::from_utf8_lossy(b).into_owned());
        let new = new.map(|b| String::from_utf8_lossy(b).into_owned());
        let diff = similar::TextDiff::from_lines(
            old.as_deref().unwrap_or(""),
            new.as_deref().unwrap_or(""),
        );
        let a = if old.is_some() {
            format!("a/{name}")
        } else {
            "/dev/null".into()
        };
        let b = if new.is_some() {
            format!("b/{name}")
        } else {
            "/dev/null".into()
        };
        out.push_str(&diff.unified_diff().header(&a, &b).to_string());
    }
    out
}

/// A run rendered for a snapshot.
pub fn render(run: &Run, changes: &str) -> String {
    let mut s = format!("--- status: {}\n--- stdout\n{}", run.code, run.stdout);
    if !run.stderr.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&run.stderr);
    }
    if !changes.is_empty() {
        s.push_str("--- files\n");
        s.push_str(changes);
    }
    s
}
