//! Saving under faults through the command-line front door: a full disk, a read-only
//! directory, a read-only file and an immutable file. For augtool-rs, and for C augtool
//! when it is installed, each case checks that the command exits non-zero (a script
//! ending in `save`, and `-s`), that the original file is byte-identical, that augtool-rs
//! leaves no temp file, and that the error kind under `/augeas/files/etc/hosts/error` is
//! the same for both.
//!
//! The faults need root (mount, chattr); elsewhere each case prints "skipped" and returns.

use crate::differential::c_augtool;
use crate::support::{augtool_rs, run_program};
use std::fs;
use std::path::Path;
use std::process::Command;

const HOSTS: &str = "127.0.0.1 localhost\n";

/// Undoes a fault on drop (unmount, `chattr -i`), so a failing assertion leaves nothing
/// behind.
struct Undo(Vec<String>);

impl Drop for Undo {
    fn drop(&mut self) {
        if let Some((cmd, args)) = self.0.split_first() {
            let _ = Command::new(cmd).args(args).status();
        }
    }
}

/// Runs `cmd args`; None (after saying why) when it fails.
fn sh(cmd: &str, args: &[&str]) -> Option<()> {
    let ok = Command::new(cmd)
        .args(args)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: `{cmd} {}` failed (needs root)", args.join(" "));
    }
    ok.then_some(())
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    /// `etc` is a 64 KiB tmpfs, almost full.
    DiskFull,
    /// `etc` is a read-only bind mount of itself.
    ReadOnlyDir,
    /// `etc/hosts` is a read-only bind mount of itself.
    ReadOnlyFile,
    /// `etc/hosts` is immutable (`chattr +i`): not even root may replace it.
    Immutable,
}

/// Makes `root/etc/hosts` and applies `fault`; the guards undo it.
fn prepare(root: &Path, fault: Fault) -> Option<Vec<Undo>> {
    let etc = root.join("etc");
    fs::create_dir_all(&etc).unwrap();
    let (etc_s, hosts) = (etc.to_str().unwrap(), etc.join("hosts"));
    let hosts_s = hosts.to_str().unwrap();
    let umount = |p: &str| Undo(vec!["umount".into(), p.into()]);
    let mut undo = Vec::new();
    match fault {
        Fault::DiskFull => {
            sh("mount", &["-t", "tmpfs", "-o", "size=64k", "tmpfs", etc_s])?;
            undo.push(umount(etc_s));
            fs::write(&hosts, HOSTS).unwrap();
            let _ = fs::write(etc.join("filler.bak"), vec![b'#'; 60 * 1024]);
        }
        Fault::ReadOnlyDir => {
            fs::write(&hosts, HOSTS).unwrap();
            sh("mount", &["--bind", etc_s, etc_s])?;
            undo.push(umount(etc_s));
            sh("mount", &["-o", "remount,ro,bind", etc_s])?;
        }
        Fault::ReadOnlyFile => {
            fs::write(&hosts, HOSTS).unwrap();
            sh("mount", &["--bind", hosts_s, hosts_s])?;
            undo.push(umount(hosts_s));
            sh("mount", &["-o", "remount,ro,bind", hosts_s])?;
        }
        Fault::Immutable => {
            fs::write(&hosts, HOSTS).unwrap();
            sh("chattr", &["+i", hosts_s])?;
            undo.push(Undo(vec!["chattr".into(), "-i".into(), hosts_s.into()]));
        }
    }
    Some(undo)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "filler.bak")
        .collect();
    v.sort();
    v
}

/// The error kind `program` records when saving under `fault` (`pre` is run first),
/// after checking its exit codes and the file.
fn failed_save(program: &Path, fault: Fault, pre: &str) -> Option<String> {
    let root = tempfile::tempdir().unwrap();
    let _undo = prepare(root.path(), fault)?;
    let r = root.path().to_str().unwrap();
    let value = match fault {
        Fault::DiskFull => "7".repeat(32 * 1024),
        _ => "foo".to_owned(),
    };
    let set = format!("set /files/etc/hosts/1/canonical {value}");
    let name = program.display();
    let script = format!("{pre}{set}\nsave\nprint /augeas/files/etc/hosts/error\n");
    let run = run_program(program, &["-r", r], &script, root.path());
    assert_ne!(run.code, 0, "{name}: a script ending in a failed save");
    assert!(
        run.stderr.contains("saving failed"),
        "{name}: {}",
        run.stderr
    );
    let one = run_program(program, &["-r", r, "-s", &set], "", root.path());
    assert_ne!(one.code, 0, "{name} -s: a failed save");
    let hosts = root.path().join("etc/hosts");
    assert_eq!(fs::read_to_string(&hosts).unwrap(), HOSTS, "{name}");
    if program == augtool_rs() {
        assert_eq!(
            entries(&root.path().join("etc")),
            ["hosts"],
            "no temp file left"
        );
    }
    let kind = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("/augeas/files/etc/hosts/error = "))
        .map(|k| k.trim_matches('"').to_owned());
    Some(kind.unwrap_or_else(|| panic!("{name}: no error recorded: {}", run.stdout)))
}

/// Checks augtool-rs under `fault` and compares its error kind with C augtool's.
#[track_caller]
fn check_failed_save(fault: Fault, pre: &str, kind: &str) {
    let Some(ours) = failed_save(&augtool_rs(), fault, pre) else {
        return;
    };
    assert_eq!(ours, kind, "{fault:?}");
    if let Some(c) = c_augtool() {
        let theirs = failed_save(&c, fault, pre);
        assert_eq!(theirs.as_deref(), Some(kind), "C augtool, {fault:?}");
    }
}

#[test]
fn r9_disk_full() {
    // C augtool leaves its temp file behind here; augtool-rs removes it.
    check_failed_save(Fault::DiskFull, "", "error_augtemp");
}

#[test]
fn r9_read_only_directory() {
    check_failed_save(Fault::ReadOnlyDir, "", "mk_augtemp");
}

#[test]
fn r9_read_only_file() {
    // The temp file is written, but cannot be renamed onto the mount point (EBUSY).
    check_failed_save(Fault::ReadOnlyFile, "", "rename_augtemp");
    // Copying instead of renaming cannot open the file for writing.
    check_failed_save(
        Fault::ReadOnlyFile,
        "set /augeas/save/copy_if_rename_fails 1\n",
        "clone_open_dst_augtemp",
    );
}

#[test]
fn r9_immutable_file() {
    check_failed_save(Fault::Immutable, "", "rename_augtemp");
    // Copying instead of renaming fails too.
    check_failed_save(
        Fault::Immutable,
        "set /augeas/save/copy_if_rename_fails 1\n",
        "rename_augtemp",
    );
}

/// The same faults as an unprivileged user (root bypasses permissions): a directory the
/// user may not write, a file the user may not write in a directory it may, a root that is
/// read-only for the user with a new file to create. C augtool and augtool-rs run as
/// `nobody` (via setpriv) on copies; output, exit status, the error kinds and messages, and
/// the files must be the same. (#19)
#[test]
fn r19_unprivileged_user_faults_as_augtool() {
    use std::os::unix::fs::{PermissionsExt, chown};
    if !rustix_is_root() {
        eprintln!("skipped: switching to nobody needs root");
        return;
    }
    let Some(c) = c_augtool() else {
        eprintln!("skipped: C augtool is not installed");
        return;
    };
    // (name, etc owned by nobody, hosts mode, script)
    let cases: &[(&str, bool, u32, &str)] = &[
        (
            "unwritable directory",
            false,
            0o644,
            "set /files/etc/hosts/1/alias x\nsave\n",
        ),
        (
            "unwritable file",
            true,
            0o444,
            "set /files/etc/hosts/1/alias x\nsave\n",
        ),
        (
            "read-only root, new file",
            false,
            0o644,
            "set /augeas/load/Hosts/incl[last()+1] /etc/new\nset /files/etc/new/1/ipaddr 10.0.0.1\n\
             set /files/etc/new/1/canonical new\nsave\n",
        ),
    ];
    let script_tail = "print /augeas//error\n";
    for (name, own_etc, mode, script) in cases {
        let mut results = Vec::new();
        for program in [augtool_rs(), c.clone()] {
            let top = tempfile::tempdir().unwrap();
            fs::set_permissions(top.path(), fs::Permissions::from_mode(0o755)).unwrap();
            let root = top.path().join("root");
            fs::create_dir_all(root.join("etc")).unwrap();
            fs::write(root.join("etc/hosts"), HOSTS).unwrap();
            fs::set_permissions(root.join("etc/hosts"), fs::Permissions::from_mode(*mode)).unwrap();
            if *own_etc {
                chown(root.join("etc"), Some(65534), Some(65534)).unwrap();
            }
            let out = Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&program)
                .args(["-A", "-t", "Hosts.lns incl /etc/hosts", "-r"])
                .arg(&root)
                .env("HOME", top.path())
                .env("AUG_RS_CACHE_DIR", "")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut ch| {
                    use std::io::Write as _;
                    let mut input = ch.stdin.take().unwrap();
                    input.write_all(script.as_bytes())?;
                    input.write_all(script_tail.as_bytes())?;
                    drop(input);
                    ch.wait_with_output()
                });
            let Ok(out) = out else {
                eprintln!("skipped: setpriv is not available");
                return;
            };
            let mut files: Vec<String> = fs::read_dir(root.join("etc"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            results.push((
                String::from_utf8_lossy(&out.stdout).into_owned(),
                out.status.code(),
                fs::read_to_string(root.join("etc/hosts")).unwrap(),
                files,
            ));
        }
        // Augeas leaves its temp file behind when it cannot keep the owner; we do not.
        let (ours, mut theirs) = (results[0].clone(), results[1].clone());
        theirs
            .3
            .retain(|f| f == "hosts" || !f.starts_with("hosts."));
        // For a new file in a directory the user may not write, Augeas's message is the
        // stale errno of its earlier lookup of the missing file; ours is the real one.
        if name.starts_with("read-only root") {
            assert!(ours.0.contains("\"Permission denied\""), "{ours:?}");
            theirs.0 = theirs
                .0
                .replace("\"No such file or directory\"", "\"Permission denied\"");
        }
        assert_eq!(ours, theirs, "{name}: augtool-rs, then augtool");
        assert!(
            results[0].0.contains("/error = "),
            "{name}: {:?}",
            results[0]
        );
    }
}

fn rustix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}
