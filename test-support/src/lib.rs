//! Helpers shared by the integration tests of aug-rs's crates (a dev-dependency only,
//! never published): temp copies of the sample root `testroot/`, the files of a root
//! with their bytes (to compare what two runs left on disk), the result of running a
//! program, and finding a program on the `PATH` (C augtool, the oracle).
//!
//! Test helpers panic on any I/O failure: a test that cannot set itself up should stop
//! at once, saying where.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace's sample root, `testroot/` (read only: tests work on [`root_copy`]).
pub fn testroot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testroot")
}

/// Copies the directory `from` into `to` (created if missing), recursively, leaving out
/// the files for which `skip` holds (given the file's name).
pub fn copy_dir_except(from: &Path, to: &Path, skip: &dyn Fn(&str) -> bool) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir_except(&entry.path(), &target, skip);
        } else if !skip(&entry.file_name().to_string_lossy()) {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Copies the directory `from` into `to` (created if missing), recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    copy_dir_except(from, to, &|_| false);
}

/// A fresh temp copy of `testroot/`, removed when dropped.
pub fn root_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&testroot(), dir.path());
    dir
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

/// The files of a root, relative paths sorted, with their contents. What the tools keep
/// in the home directory of a run (`.augeas/`, the history; `.cache/`, the autoload
/// cache) is left out, for runs that use the root as their home.
pub fn files_of(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names = Vec::new();
    list_files(root, root, &mut names);
    names.sort();
    names
        .into_iter()
        .filter(|n| !n.starts_with(".augeas") && !n.starts_with(".cache"))
        .map(|n| {
            let bytes = fs::read(root.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

/// The result of running a program.
#[derive(Debug)]
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// The exit code.
    pub code: i32,
}

/// A program on the `PATH`, e.g. `which("augtool")` for C augtool.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// The directory of augtool-rs's test scripts (`augtool-rs/tests/data/scripts`), which
/// the augtool-rs tests run with augtool-rs and C augtool, and the C library's tests run
/// with Debian's augtool on either library.
pub fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../augtool-rs/tests/data/scripts")
}

/// The test scripts (`*.augtool` in [`scripts_dir`]), sorted.
pub fn scripts() -> Vec<PathBuf> {
    let mut scripts: Vec<PathBuf> = fs::read_dir(scripts_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "augtool"))
        .collect();
    scripts.sort();
    scripts
}

/// What the comment lines at the top of a test script say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptHeader {
    /// The options to run it with: `# args: ...` lines split at blanks, and `# arg: ...`
    /// lines, one argument each (it may contain blanks).
    pub args: Vec<String>,
    /// Whether the output is compared with C augtool's: `# differential: no` marks the
    /// scripts of augtool-rs's own additions (`diff`, its `help` texts, ...).
    pub differential: bool,
}

impl ScriptHeader {
    /// Reads the header of a script's text.
    pub fn read(text: &str) -> ScriptHeader {
        let mut header = ScriptHeader {
            args: Vec::new(),
            differential: true,
        };
        for line in text.lines().take_while(|l| l.starts_with('#')) {
            if let Some(a) = line.strip_prefix("# args:") {
                header.args.extend(a.split_whitespace().map(str::to_owned));
            } else if let Some(a) = line.strip_prefix("# arg: ") {
                header.args.push(a.to_owned());
            } else if line.starts_with("# differential: no") {
                header.differential = false;
            }
        }
        header
    }
}
