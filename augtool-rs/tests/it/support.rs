//! Test support: temp copies of `testroot/`, running augtool-rs or C augtool on them,
//! script headers, and rendering runs and changed files for snapshots.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace's `testroot/`.
pub fn testroot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testroot")
}

/// The directory of test scripts.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/scripts")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A fresh temp copy of `testroot/`.
pub fn root_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&testroot(), dir.path());
    dir
}

/// The result of one run.
#[derive(Debug)]
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit code.
    pub code: i32,
}

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

/// A test script: its options (`# args: ...` lines, split at blanks, and `# arg: ...`
/// lines, one argument each), whether it needs the built-in lenses
/// (`# needs: lenses`) and whether the differential test uses it.
#[derive(Debug)]
pub struct Script {
    /// The file.
    pub path: PathBuf,
    /// The extra options.
    pub args: Vec<String>,
    /// Needs the lenses to mean anything.
    pub needs_lenses: bool,
    /// Compared with C augtool.
    pub differential: bool,
}

impl Script {
    /// Reads the header of the script at `path`.
    pub fn load(path: &Path) -> Script {
        let text = fs::read_to_string(path).unwrap();
        let mut script = Script {
            path: path.to_owned(),
            args: Vec::new(),
            needs_lenses: false,
            differential: true,
        };
        for line in text.lines().take_while(|l| l.starts_with('#')) {
            if let Some(a) = line.strip_prefix("# args:") {
                script.args.extend(a.split_whitespace().map(str::to_owned));
            } else if let Some(a) = line.strip_prefix("# arg: ") {
                // One argument that may contain blanks.
                script.args.push(a.to_owned());
            } else if line.starts_with("# needs: lenses") {
                script.needs_lenses = true;
            } else if line.starts_with("# differential: no") {
                script.differential = false;
            }
        }
        script
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

/// Whether the built-in lenses exist yet.
pub fn have_lenses() -> bool {
    !aug_lenses::builtin_modules().is_empty()
}

fn list_files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let e = e.unwrap();
        let p = e.path();
        if e.file_type().unwrap().is_dir() {
            list_files(&p, base, out);
        } else {
            out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
        }
    }
}

/// The files of a root, relative paths sorted, with their contents.
pub fn files_of(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names = Vec::new();
    list_files(root, root, &mut names);
    names.sort();
    names
        .into_iter()
        .filter(|n| !n.starts_with(".augeas"))
        .map(|n| {
            let bytes = fs::read(root.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
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
