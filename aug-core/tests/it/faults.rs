//! Saving under faults: a full disk, a read-only directory, a read-only file, a target
//! that cannot be renamed over (a bind mount), a missing directory. After each failure the original is byte-identical, no temp file is
//! left, and the error is recorded under `/augeas/files/<file>/error`.
//!
//! The disk-full and bind-mount cases need root (to mount); elsewhere they say so and return.

use crate::handle::kv_module;
use aug_core::{Augeas, Flags};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Unmounts on drop, so a failing assertion does not leave a mount behind.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mount(args: &[&str], at: &Path) -> Option<Mount> {
    let ok = Command::new("mount")
        .args(args)
        .arg(at)
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(Mount(at.to_path_buf()))
    } else {
        eprintln!("skipped: cannot mount here (needs root)");
        None
    }
}

/// Makes the bind mount at `at` read-only.
fn remount_read_only(at: &Path) -> bool {
    let ok = Command::new("mount")
        .args(["-o", "remount,ro,bind"])
        .arg(at)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: cannot remount read-only here");
    }
    ok
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn error_kind(aug: &Augeas, file: &str) -> Option<String> {
    aug.get(&format!("/augeas/files{file}/error")).unwrap()
}

#[test]
fn r9_disk_full_leaves_the_original_intact() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("etc/kv");
    fs::create_dir_all(&dir).unwrap();
    let Some(_m) = mount(&["-t", "tmpfs", "-o", "size=64k", "tmpfs"], &dir) else {
        return;
    };
    fs::write(dir.join("a"), "x = 1\n").unwrap();
    // Fill the file system so that the new text cannot be written.
    let filler = vec![b'#'; 60 * 1024];
    let _ = fs::write(dir.join("filler.bak"), &filler);
    let mut aug = Augeas::open(Some(root.path()), Flags::NONE, vec![kv_module()]);
    let big = "7".repeat(32 * 1024);
    aug.set("/files/etc/kv/a/x", Some(&big)).unwrap();
    assert!(aug.save().is_err(), "a full disk must fail the save");
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 1\n");
    assert_eq!(entries(&dir), ["a", "filler.bak"], "no temp file left");
    // C Augeas reports a failed write of the temp file as `error_augtemp` (and leaves the
    // temp file behind).
    assert_eq!(
        error_kind(&aug, "/etc/kv/a").as_deref(),
        Some("error_augtemp")
    );
    let msg = aug
        .get("/augeas/files/etc/kv/a/error/message")
        .unwrap()
        .unwrap();
    assert!(msg.contains("No space left"), "{msg}");
}

/// A read-only bind mount over the file's directory: no temp file can be made (as root,
/// permission bits would not stop us, a read-only mount does).
#[test]
fn r9_read_only_directory_is_mk_augtemp() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("etc/kv");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a"), "x = 1\n").unwrap();
    let d = dir.to_str().unwrap();
    let Some(_m) = mount(&["--bind", d], &dir) else {
        return;
    };
    if !remount_read_only(&dir) {
        return;
    }
    let mut aug = Augeas::open(Some(root.path()), Flags::NONE, vec![kv_module()]);
    aug.set("/files/etc/kv/a/x", Some("2")).unwrap();
    assert!(aug.save().is_err());
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 1\n");
    assert_eq!(entries(&dir), ["a"], "no temp file left");
    assert_eq!(error_kind(&aug, "/etc/kv/a").as_deref(), Some("mk_augtemp"));
    let msg = aug.get("/augeas/files/etc/kv/a/error/message").unwrap();
    assert!(
        msg.as_deref()
            .unwrap_or("")
            .contains("Read-only file system"),
        "{msg:?}"
    );
}

/// A read-only bind mount of the file itself: the temp file is written next to it but
/// cannot replace it, and copying over it (`copy_if_rename_fails`) fails too.
#[test]
fn r9_read_only_file_is_rename_augtemp() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("etc/kv");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a"), "x = 1\n").unwrap();
    let a = dir.join("a");
    let Some(_m) = mount(&["--bind", a.to_str().unwrap()], &a) else {
        return;
    };
    if !remount_read_only(&a) {
        return;
    }
    let mut aug = Augeas::open(Some(root.path()), Flags::NONE, vec![kv_module()]);
    for (copy, value) in [(false, "2"), (true, "3")] {
        if copy {
            aug.set("/augeas/save/copy_if_rename_fails", None).unwrap();
        }
        // Like Augeas, a failed save leaves the tree clean: the file is tried again once
        // it changes again.
        aug.set("/files/etc/kv/a/x", Some(value)).unwrap();
        assert!(aug.save().is_err(), "copy_if_rename_fails: {copy}");
        assert_eq!(fs::read_to_string(&a).unwrap(), "x = 1\n");
        assert_eq!(entries(&dir), ["a"], "no temp file left");
        // The names are C Augeas's.
        let kind = if copy {
            "clone_open_dst_augtemp"
        } else {
            "rename_augtemp"
        };
        assert_eq!(error_kind(&aug, "/etc/kv/a").as_deref(), Some(kind));
    }
}

#[test]
fn r9_rename_onto_a_bind_mount_fails_cleanly_or_copies_when_allowed() {
    let root = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let dir = root.path().join("etc/kv");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a"), "x = 1\n").unwrap();
    fs::write(other.path().join("src"), "x = 1\n").unwrap();
    let src = other.path().join("src");
    let Some(_m) = mount(&["--bind", src.to_str().unwrap()], &dir.join("a")) else {
        return;
    };
    let mut aug = Augeas::open(Some(root.path()), Flags::NONE, vec![kv_module()]);
    aug.set("/files/etc/kv/a/x", Some("2")).unwrap();
    assert!(
        aug.save().is_err(),
        "rename onto a mount point fails (EBUSY)"
    );
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 1\n");
    assert_eq!(entries(&dir), ["a"], "no temp file left");
    assert_eq!(
        error_kind(&aug, "/etc/kv/a").as_deref(),
        Some("rename_augtemp")
    );

    // As in Augeas, /augeas/save/copy_if_rename_fails allows copying instead. The failed
    // save left the tree clean, as Augeas's does: the file is saved once it changes again.
    aug.set("/augeas/save/copy_if_rename_fails", None).unwrap();
    aug.save().unwrap();
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 1\n");
    aug.set("/files/etc/kv/a/x", Some("3")).unwrap();
    aug.save().unwrap();
    assert_eq!(fs::read_to_string(dir.join("a")).unwrap(), "x = 3\n");
    assert_eq!(
        fs::read_to_string(&src).unwrap(),
        "x = 3\n",
        "written through the mount"
    );
    assert_eq!(entries(&dir), ["a"], "no temp file left");
}

#[test]
fn r9_missing_directory_is_mk_augtemp() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc/kv")).unwrap();
    let mut aug = Augeas::open(Some(root.path()), Flags::NONE, vec![kv_module()]);
    // The file's directory is removed behind the handle's back.
    aug.set("/files/etc/kv/new/k", Some("1")).unwrap();
    fs::remove_dir(root.path().join("etc/kv")).unwrap();
    assert!(aug.save().is_err());
    assert_eq!(
        error_kind(&aug, "/etc/kv/new").as_deref(),
        Some("mk_augtemp")
    );
    assert!(
        !root.path().join("etc/kv").exists(),
        "no directory is created"
    );
}

/// Two handles save the same file over and over while a reader watches it: the reader only
/// ever sees one complete version (the rename is atomic), never a partial file.
#[test]
fn r9_concurrent_saves_never_show_a_partial_file() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("etc/kv");
    fs::create_dir_all(&dir).unwrap();
    let long = |d: char| format!("x = {}\n", d.to_string().repeat(64 * 1024));
    fs::write(dir.join("a"), long('1')).unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = ['2', '3']
        .into_iter()
        .map(|d| {
            let root = root.path().to_path_buf();
            std::thread::spawn(move || {
                for i in 0..20 {
                    let mut aug = Augeas::open(Some(&root), Flags::NONE, vec![kv_module()]);
                    let v = if i % 2 == 0 { d } else { '9' };
                    aug.set("/files/etc/kv/a/x", Some(&v.to_string().repeat(64 * 1024)))
                        .unwrap();
                    aug.save().unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let (dir, done) = (dir.clone(), done.clone());
        std::thread::spawn(move || {
            let mut reads = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let text = fs::read_to_string(dir.join("a")).unwrap();
                let digits = text.trim_start_matches("x = ").trim_end();
                assert_eq!(text.len(), 4 + 64 * 1024 + 1, "a partial file was visible");
                let first = digits.chars().next().unwrap();
                assert!(
                    digits.chars().all(|c| c == first),
                    "a mixed file was visible"
                );
                reads += 1;
            }
            reads
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    assert_eq!(entries(&dir), ["a"], "no temp file left");
}

/// Run as a child process by [`r9_killed_mid_save_leaves_old_or_new_text`]: saves the file
/// at `AUG_RS_CHILD_ROOT` in a loop until killed. A no-op in a normal test run.
#[test]
fn child_saver() {
    let Some(root) = std::env::var_os("AUG_RS_CHILD_ROOT") else {
        return;
    };
    let mut aug = Augeas::open(Some(Path::new(&root)), Flags::NONE, vec![kv_module()]);
    loop {
        // Write the digit the file does not hold, so that every completed save shows.
        let now = aug.get("/files/etc/kv/a/x").unwrap().unwrap_or_default();
        let d = if now.starts_with('2') { "3" } else { "2" };
        aug.set("/files/etc/kv/a/x", Some(&d.repeat(256 * 1024)))
            .unwrap();
        aug.save().unwrap();
    }
}

/// A process killed at a random moment while saving leaves the file either as it was or as
/// it would be: never partial. (A temp file may be left behind by SIGKILL.)
#[test]
fn r9_killed_mid_save_leaves_old_or_new_text() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("etc/kv");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("a"), format!("x = {}\n", "1".repeat(256 * 1024))).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut saw = std::collections::BTreeSet::new();
    for round in 0..8u64 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "faults::child_saver",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("AUG_RS_CHILD_ROOT", root.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        if round == 0 {
            // Let the child save once, however slow this machine is at the moment (a
            // debug build on a busy machine takes several hundred ms per save): otherwise
            // every kill could land before the first save and prove nothing.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while fs::read(dir.join("a")).unwrap().get(4) == Some(&b'1')
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(40 + 60 * round));
        child.kill().unwrap();
        child.wait().unwrap();
        let text = fs::read_to_string(dir.join("a")).unwrap();
        let digits = text.trim_start_matches("x = ").trim_end();
        assert_eq!(
            digits.len(),
            256 * 1024,
            "partial file after a kill in round {round}"
        );
        let first = digits.chars().next().unwrap();
        assert!(
            digits.chars().all(|c| c == first),
            "mixed file after a kill"
        );
        saw.insert(first);
    }
    assert!(
        saw.iter().any(|&c| c != '1'),
        "the child never saved, the test proves nothing: {saw:?}"
    );
}
