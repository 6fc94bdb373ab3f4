//! Files you can trust (issue 17), probed as an attacker on the same machine would: temp
//! files other users could open, backups written through planted links or mounts, reads
//! outside the root by `preview`/`diff`, directories swapped for symlinks while saving,
//! special files, and glob patterns that climb out of the root.
//!
//! The multi-user and mount cases need root (to switch user, to mount); elsewhere they say
//! "skipped" with the reason and return.

use crate::handle::kv_module;
use aug_core::{Augeas, Flags};
use std::fs;
use std::io::{BufRead, Write};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A root with `etc/kv/a` and, beside the root, a directory `outside` with a secret.
struct Setup {
    _top: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

fn setup() -> Setup {
    let top = tempfile::tempdir().unwrap();
    let root = top.path().join("root");
    let outside = top.path().join("outside");
    fs::create_dir_all(root.join("etc/kv")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(root.join("etc/kv/a"), "x = 1\n").unwrap();
    fs::write(outside.join("secret"), "x = 777\n").unwrap();
    Setup {
        _top: top,
        root,
        outside,
    }
}

fn open(root: &Path) -> Augeas {
    Augeas::open(Some(root), Flags::NONE, vec![kv_module()])
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Unmounts on drop.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn bind(src: &Path, at: &Path) -> Option<Mount> {
    let ok = Command::new("mount")
        .arg("--bind")
        .arg(src)
        .arg(at)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(Mount(at.to_path_buf()))
    } else {
        eprintln!("skipped: cannot bind-mount here (needs root)");
        None
    }
}

/// The helper run as `nobody` by `r17_temp_files_leak_nothing_to_other_users`: watches
/// the directory in `$AUG_RS_R17_WATCH` and opens every new file whose name starts with
/// `a.` the moment it appears, printing what it could read. Does nothing otherwise.
#[test]
fn r17_watcher() {
    use rustix::fs::inotify;
    let Some(dir) = std::env::var_os("AUG_RS_R17_WATCH") else {
        return;
    };
    let dir = PathBuf::from(dir);
    let fd = inotify::init(inotify::CreateFlags::CLOEXEC).unwrap();
    inotify::add_watch(&fd, &dir, inotify::WatchFlags::CREATE).unwrap();
    let mut out = std::io::stdout();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    let mut buf = [std::mem::MaybeUninit::uninit(); 4096];
    let mut reader = inotify::Reader::new(&fd, &mut buf);
    loop {
        let Ok(ev) = reader.next() else { continue };
        let Some(name) = ev.file_name() else { continue };
        let name = name.to_string_lossy().into_owned();
        if !name.starts_with("a.") {
            continue;
        }
        if let Ok(text) = fs::read_to_string(dir.join(&name)) {
            writeln!(out, "LEAK {name}: {text:?}").unwrap();
            out.flush().unwrap();
        }
    }
}

/// Another user who opens the temp file while a save writes it must not get in: the temp
/// file is private (0600) from the moment it exists. (Before: created 0644, tightened
/// after; a watcher read the new contents.)
#[test]
fn r17_temp_files_leak_nothing_to_other_users() {
    if !is_root() {
        eprintln!("skipped: switching to another user needs root");
        return;
    }
    let s = setup();
    let dir = s.root.join("etc/kv");
    for d in [s.root.parent().unwrap(), &s.root, &s.root.join("etc"), &dir] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(dir.join("a"), fs::Permissions::from_mode(0o600)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let child = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&exe)
        .args([
            "--exact",
            "trust::r17_watcher",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("AUG_RS_R17_WATCH", &dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("skipped: setpriv is not available");
        return;
    };
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // The test harness prints its own lines first, and the test's name before `READY`.
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.ends_with("READY"));
    if !ready {
        let _ = child.kill();
        eprintln!("skipped: the test binary cannot run as nobody here");
        return;
    }
    let mut aug = open(&s.root);
    for i in 0..300 {
        aug.set("/files/etc/kv/a/x", Some(&format!("{}", 1000 + i)))
            .unwrap();
        aug.save().unwrap();
    }
    let _ = child.kill();
    let _ = child.wait();
    let leaks: Vec<String> = lines
        .map_while(Result::ok)
        .filter(|l| l.contains("LEAK"))
        .collect();
    assert!(leaks.is_empty(), "another user read temp files: {leaks:?}");
    assert_eq!(
        fs::metadata(dir.join("a")).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// Backup mode with copy_if_rename_fails, the file a bind mount (so the original cannot be
/// renamed to `.augsave` and is copied there): a symlink planted at `a.augsave` is
/// replaced, never written through; a mount there makes the save fail as in Augeas
/// (`clone_unlink_dst_augsave`).
#[test]
fn r17_backup_copy_never_writes_through_a_link_or_a_mount() {
    let s = setup();
    let dir = s.root.join("etc/kv");
    let src = s.outside.join("mounted");
    fs::write(&src, "x = 1\n").unwrap();
    let Some(_m) = bind(&src, &dir.join("a")) else {
        return;
    };
    symlink(s.outside.join("secret"), dir.join("a.augsave")).unwrap();
    let mut aug = open(&s.root);
    aug.set("/augeas/save", Some("backup")).unwrap();
    aug.set("/augeas/save/copy_if_rename_fails", None).unwrap();
    aug.set("/files/etc/kv/a/x", Some("2")).unwrap();
    let saved = aug.save();
    assert!(saved.is_ok(), "{:?}", aug.print(Some("/augeas//error")));
    assert_eq!(
        fs::read_to_string(s.outside.join("secret")).unwrap(),
        "x = 777\n"
    );
    let backup = fs::symlink_metadata(dir.join("a.augsave")).unwrap();
    assert!(backup.is_file(), "the link was replaced by the backup");
    assert_eq!(
        fs::read_to_string(dir.join("a.augsave")).unwrap(),
        "x = 1\n"
    );
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 2\n");

    // A mount at the backup's place: refused, nothing written through it.
    let victim = s.outside.join("victim");
    fs::write(&victim, "victim\n").unwrap();
    fs::remove_file(dir.join("a.augsave")).unwrap();
    fs::write(dir.join("a.augsave"), "").unwrap();
    let Some(_m2) = bind(&victim, &dir.join("a.augsave")) else {
        return;
    };
    aug.set("/files/etc/kv/a/x", Some("3")).unwrap();
    assert!(aug.save().is_err());
    assert_eq!(
        aug.get("/augeas/files/etc/kv/a/error").unwrap().as_deref(),
        Some("clone_unlink_dst_augsave")
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), "victim\n");
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 2\n");
}

/// `preview` and the handle's `disk_text` (what augtool-rs's `diff` reads) go through the
/// same confinement as load and save: a file replaced by a link out of the root after
/// load, or a path with `..`, is an error, never the outside file's text.
#[test]
fn r17_preview_and_diff_never_read_outside_the_root() {
    let s = setup();
    let mut aug = open(&s.root);
    aug.set("/files/etc/kv/a/x", Some("2")).unwrap();
    let a = s.root.join("etc/kv/a");
    fs::remove_file(&a).unwrap();
    symlink("../../../outside/secret", &a).unwrap();
    let e = aug.preview("/files/etc/kv/a").unwrap_err();
    assert!(!e.to_string().contains("777"), "{e}");
    assert!(aug.disk_text("/etc/kv/a").is_err());
    assert!(aug.disk_text("/../outside/secret").is_err());
    assert!(aug.disk_text("/etc/../../outside/secret").is_err());
    // An absolute link is the same path inside the root.
    fs::remove_file(&a).unwrap();
    symlink(s.outside.join("secret"), &a).unwrap();
    assert_eq!(aug.disk_text("/etc/kv/a").unwrap(), None);
}

/// A directory of the path swapped for a symlink out of the root (atomically, back and
/// forth) while saves and loads run: nothing outside is ever read or written.
#[test]
fn r17_swapping_a_directory_for_a_link_while_saving_never_escapes() {
    let s = setup();
    let etc = s.root.join("etc");
    fs::create_dir_all(s.outside.join("kv")).unwrap();
    fs::write(s.outside.join("kv/a"), "x = 777\n").unwrap();
    // Relative (climbs out: refused) and absolute (read inside the root: not there).
    symlink("../../outside/kv", etc.join("climb")).unwrap();
    symlink(s.outside.join("kv"), etc.join("abs")).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let stop = stop.clone();
        let etc = etc.clone();
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let other = if n.is_multiple_of(2) { "climb" } else { "abs" };
                // Swap twice: the directory is away, then back.
                for _ in 0..2 {
                    let _ = rustix::fs::renameat_with(
                        rustix::fs::CWD,
                        etc.join("kv"),
                        rustix::fs::CWD,
                        etc.join(other),
                        rustix::fs::RenameFlags::EXCHANGE,
                    );
                }
                n += 1;
            }
        })
    };
    let mut aug = open(&s.root);
    for i in 0..400 {
        let _ = aug.set("/files/etc/kv/a/x", Some(&i.to_string()));
        let _ = aug.save();
        if i % 10 == 0 {
            let _ = aug.load();
        }
        assert_ne!(
            aug.get("/files/etc/kv/a/x").ok().flatten().as_deref(),
            Some("777"),
            "read the file outside the root"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
    assert_eq!(
        fs::read_to_string(s.outside.join("kv/a")).unwrap(),
        "x = 777\n"
    );
    assert_eq!(
        fs::read_to_string(s.outside.join("secret")).unwrap(),
        "x = 777\n"
    );
    let stray: Vec<_> = fs::read_dir(s.outside.join("kv"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(stray, ["a"], "nothing written outside");
}

/// Runs `f` on another thread and fails the test if it takes longer than 10 s.
fn within_seconds<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(v) => v,
        Err(_) => panic!("{what} hangs"),
    }
}

/// A FIFO or a device where a file is expected is an error at once: load-file of a FIFO
/// does not wait for a writer, a device is never read, a save onto a FIFO is refused.
#[test]
fn r17_special_files_fail_at_once() {
    let s = setup();
    let dir = s.root.join("etc/kv");
    let made = Command::new("mkfifo")
        .arg(dir.join("fifo"))
        .status()
        .is_ok_and(|st| st.success());
    if !made {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let device = is_root()
        && Command::new("mknod")
            .arg(dir.join("zero"))
            .args(["c", "1", "5"])
            .status()
            .is_ok_and(|st| st.success());
    if !device {
        eprintln!("skipped (devices): mknod needs root");
    }
    let root = s.root.clone();
    let start = Instant::now();
    let (fifo_err, zero_err, save_err) =
        within_seconds("load and save of special files", move || {
            let mut aug = open(&root);
            let _ = aug.load_file("/etc/kv/fifo");
            let fifo_err = aug.get("/augeas/files/etc/kv/fifo/error").unwrap();
            let _ = aug.load_file("/etc/kv/zero");
            let zero_err = aug.get("/augeas/files/etc/kv/zero/error").unwrap();
            aug.set("/files/etc/kv/fifo/x", Some("1")).unwrap();
            let saved = aug.save();
            (fifo_err, zero_err, saved.is_err())
        });
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(fifo_err.as_deref(), Some("read_failed"));
    if device {
        assert_eq!(zero_err.as_deref(), Some("read_failed"));
    }
    assert!(save_err, "a save onto a FIFO is refused");
    assert!(
        fs::symlink_metadata(dir.join("fifo"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

/// `incl` patterns that climb out of the root match nothing, so no file or error node
/// tells what exists outside.
#[test]
fn r17_incl_globs_never_reveal_names_outside_the_root() {
    let s = setup();
    let mut aug = open(&s.root);
    for p in [
        "/*/../../outside/*",
        "/../outside/secret",
        "/etc/../../outside/*",
    ] {
        aug.set("/augeas/load/Kv/incl[last()+1]", Some(p)).unwrap();
    }
    aug.load().unwrap();
    let all = aug.matches("/augeas/files//*").unwrap();
    assert!(
        all.iter()
            .all(|p| !p.contains("outside") && !p.contains("secret")),
        "{all:?}"
    );
    assert!(aug.matches("/files//*[. = '777']").unwrap().is_empty());
}

use std::os::unix::fs::FileTypeExt;
