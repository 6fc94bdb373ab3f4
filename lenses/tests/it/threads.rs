//! Loading on several threads (`Builder::load_threads`) gives exactly what one thread
//! gives: the same `/files` and `/augeas` trees (files in the same order, the same
//! metadata and errors), the same spans, the same saves, and the same reload of files
//! changed on disk. Each thread count reads the testroot files plus a file that does not
//! parse, so that failures are shared among threads too.

use crate::handle::copy_testroot;
use aug_core::{Augeas, Flags};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The thread counts compared with one thread (more threads than files included).
const THREADS: &[usize] = &[2, 3, 64];

fn open(root: &Path, threads: usize, flags: Flags) -> Augeas {
    Augeas::builder()
        .root(root)
        .flags(flags)
        .modules(aug_lenses::builtin_modules())
        .cache_dir(None)
        .load_threads(threads)
        .open()
}

/// A copy of testroot with a logrotate file that does not parse, all with one mtime.
fn root() -> tempfile::TempDir {
    let dir = copy_testroot();
    let etc = dir.path().join("etc");
    std::fs::write(etc.join("logrotate.d/broken"), "/var/log/x {\n  rotate\n").unwrap();
    set_mtimes(
        dir.path(),
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
    );
    dir
}

fn set_mtimes(root: &Path, when: SystemTime) {
    for rel in crate::common::files_under(root) {
        let f = std::fs::File::options()
            .append(true)
            .open(root.join(rel))
            .unwrap();
        f.set_modified(when).unwrap();
    }
}

/// Everything a handle holds, as `print` shows it, and the spans of every node under
/// `/files`.
fn state(aug: &Augeas) -> String {
    let mut out = aug.print(Some("/*")).unwrap();
    for path in aug.matches("/files//*").unwrap() {
        if let Ok(s) = aug.span(&path) {
            out.push_str(&format!(
                "{path} {:?} {:?} {:?}\n",
                s.label, s.value, s.span
            ));
        }
    }
    out
}

/// Fails at the first line where `got` and `want` differ.
fn same(got: &str, want: &str, what: &str) {
    let first = got
        .lines()
        .zip(want.lines())
        .position(|(g, w)| g != w)
        .unwrap_or(got.lines().count().min(want.lines().count()));
    assert!(
        got == want,
        "{what}: line {}: {:?} where one thread has {:?}",
        first + 1,
        got.lines().nth(first),
        want.lines().nth(first)
    );
}

#[test]
fn threaded_loads_read_what_one_thread_reads() {
    let dir = root();
    let one = state(&open(dir.path(), 1, Flags::ENABLE_SPAN));
    assert!(one.contains("/augeas/files/etc/logrotate.d/broken/error = \"parse_failed\""));
    assert!(one.contains("/files/etc/hosts/1/ipaddr"));
    for &n in THREADS {
        let many = state(&open(dir.path(), n, Flags::ENABLE_SPAN));
        same(&many, &one, &format!("{n} threads"));
    }
}

/// The same edits and save after loads on one thread and on several write the same
/// files, and a reload of files changed on disk (by the save, and by hand) puts each
/// file back in its place.
#[test]
fn threaded_loads_save_and_reload_like_one_thread() {
    let script = "\
set /files/etc/hosts/1/alias[last()+1] threads
rm /files/etc/passwd/*[shell='/bin/false']
set /files/etc/crontab/entry[1]/time/minute 7
save
";
    let mut runs = Vec::new();
    for &n in [1].iter().chain(THREADS) {
        let dir = root();
        let mut aug = open(dir.path(), n, Flags::NONE);
        let mut out = Vec::new();
        aug.srun(script, &mut out).unwrap();
        // Changed on disk behind the handle's back: read again on load.
        let logrotate = dir.path().join("etc/logrotate.conf");
        let text = std::fs::read_to_string(&logrotate).unwrap();
        std::fs::write(&logrotate, text.replace("weekly", "daily")).unwrap();
        set_mtimes(
            dir.path(),
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        );
        aug.load().unwrap();
        let mut files = String::from_utf8(out).unwrap();
        for rel in crate::common::files_under(dir.path()) {
            let text = std::fs::read_to_string(dir.path().join(&rel)).unwrap_or_default();
            files.push_str(&format!("== {rel}\n{text}"));
        }
        let tree = aug.print(Some("/*")).unwrap();
        let root = dir.path().to_str().unwrap();
        runs.push((n, files, tree.replace(root, "ROOT")));
    }
    let (_, files, tree) = &runs[0];
    assert!(tree.contains("threads"));
    assert!(tree.contains("/files/etc/logrotate.conf/rotate"));
    for (n, f, t) in &runs[1..] {
        same(f, files, &format!("{n} threads: files"));
        same(t, tree, &format!("{n} threads: tree after reload"));
    }
}
