//! Test support: the library under test in a directory of its own (as `libaugeas.so.0`),
//! temp copies of `testroot/`, and running programs on either library.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub use aug_test_support::{Run, files_of, root_copy, which};

/// The cdylib cargo built with these tests. `cargo test` leaves it beside the test binary
/// (`target/<profile>/deps/libaugeas.so`); only `cargo build` copies it up to
/// `target/<profile>/`, which may hold an older build.
fn built_library() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let candidates = [
        deps.join("libaugeas.so"),
        deps.parent().unwrap().join("libaugeas.so"),
    ];
    match candidates.iter().find(|lib| lib.is_file()) {
        Some(lib) => lib.clone(),
        None => panic!("libaugeas.so is missing from {}", deps.display()),
    }
}

/// A directory holding our library as `libaugeas.so.0` (and `libaugeas.so`, for `cc -l`):
/// what `LD_LIBRARY_PATH` points to.
pub fn lib_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("libaugeas");
        fs::create_dir_all(&dir).unwrap();
        let lib = built_library();
        for name in ["libaugeas.so.0", "libaugeas.so"] {
            let link = dir.join(name);
            let _ = fs::remove_file(&link);
            std::os::unix::fs::symlink(&lib, &link).unwrap();
        }
        dir
    })
}

/// Where runs on our library keep aug-rs's autoload cache.
pub fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("autoload-cache")
}

/// The real Augeas library, if installed.
pub fn real_library() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/lib/x86_64-linux-gnu/libaugeas.so.0");
    p.is_file().then_some(p)
}

/// Which library a program runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lib {
    /// The system's libaugeas.so.0 (C Augeas).
    Real,
    /// Ours, through `LD_LIBRARY_PATH`.
    Ours,
}

/// Runs `program` with `args` and `stdin` on `lib`, with HOME in `home`, no
/// `AUGEAS_ROOT`/`AUGEAS_LENS_LIB`, and `env` on top.
pub fn run(
    lib: Lib,
    program: &Path,
    args: &[&str],
    stdin: &str,
    home: &Path,
    env: &[(&str, &str)],
) -> Run {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env("HOME", home)
        .env("AUG_RS_CACHE_DIR", cache_dir())
        .env_remove("AUGEAS_ROOT")
        .env_remove("AUGEAS_LENS_LIB")
        .env_remove("LD_PRELOAD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match lib {
        Lib::Real => cmd.env_remove("LD_LIBRARY_PATH"),
        Lib::Ours => cmd.env("LD_LIBRARY_PATH", lib_dir()),
    };
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
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

/// A unified diff of two texts, for failure messages.
pub fn diff(theirs: &str, ours: &str, what: &str) -> String {
    similar::TextDiff::from_lines(theirs, ours)
        .unified_diff()
        .header(&format!("{what} (Augeas)"), &format!("{what} (aug-rs)"))
        .to_string()
}
