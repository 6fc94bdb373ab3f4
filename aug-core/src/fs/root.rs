//! Files under the root, reached only from the root's directory handle.
//!
//! A path such as `/etc/hosts` is walked one component at a time with `openat` and
//! `O_NOFOLLOW`, from a handle on the root directory. Symlinks are resolved here, with
//! chroot semantics: an absolute target starts again at the root, and a target whose `..`
//! would climb above the root is refused. Reads, writes, renames and deletions then happen
//! relative to the opened directory that holds the file, so replacing a directory with a
//! symlink while a save runs cannot lead outside the root: there is no window between
//! checking a path and using it.
//!
//! Only regular files are read or written: a FIFO, a device or a directory in place of a
//! file is an error at once (opening never blocks and never reads a device).

use super::{SaveFailure, SaveMode, fail};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// How many symlinks one path may go through (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The root directory that every file path is confined to.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    path: PathBuf,
}

/// A file found under the root: the opened directory that holds it and its name there
/// (the name of the file itself after following symlinks; it may not exist).
#[derive(Debug)]
pub(crate) struct Located {
    dir: OwnedFd,
    name: OsString,
    /// The resolved path below the root, for messages.
    shown: PathBuf,
}

impl Located {
    /// The file's metadata without following a symlink; `None` if it does not exist.
    fn stat(&self) -> io::Result<Option<rfs::Stat>> {
        match rfs::statat(&self.dir, &self.name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(Some(st)),
            Err(Errno::NOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn sibling(&self, suffix: &str) -> OsString {
        let mut s = self.name.clone();
        s.push(suffix);
        s
    }
}

fn kind(st: &rfs::Stat) -> FileType {
    FileType::from_raw_mode(st.st_mode)
}

fn not_regular(shown: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} is not a regular file", shown.display()),
    )
}

/// The components of a path, as bytes (`/` separated; empty ones dropped).
fn components(path: &[u8]) -> impl DoubleEndedIterator<Item = OsString> + '_ {
    path.split(|&b| b == b'/')
        .filter(|c| !c.is_empty())
        .map(|c| OsString::from_vec(c.to_vec()))
}

impl Root {
    pub(crate) fn new(path: &Path) -> Root {
        Root {
            path: path.to_path_buf(),
        }
    }

    fn open_root(&self) -> io::Result<OwnedFd> {
        Ok(rfs::openat(
            rfs::CWD,
            &self.path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?)
    }

    /// Walks `file` (absolute under the root, e.g. `/etc/hosts`). With `dir`, the whole
    /// path must be a directory and is opened (the `name` is then `.`); otherwise the
    /// directory that holds the last component is opened, symlinks in the last component
    /// followed too.
    fn walk(&self, file: &str, dir: bool) -> io::Result<Located> {
        let root = self.open_root()?;
        let mut stack: Vec<OwnedFd> = Vec::new();
        let mut shown: Vec<OsString> = Vec::new();
        let mut queue: VecDeque<OsString> = components(file.as_bytes()).collect();
        let mut links = 0;
        let escape = |shown: &[OsString]| {
            let p: PathBuf = shown.iter().collect();
            io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{file} leads outside the root (at /{})", p.display()),
            )
        };
        while let Some(c) = queue.pop_front() {
            if c == "." {
                continue;
            }
            if c == ".." {
                if stack.pop().is_none() {
                    return Err(escape(&shown));
                }
                shown.pop();
                continue;
            }
            let cur = stack.last().map_or(root.as_fd(), AsFd::as_fd);
            let last = queue.is_empty() && !dir;
            let st = match rfs::statat(cur, &c, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => Some(st),
                Err(Errno::NOENT) if last => None,
                Err(e) => return Err(e.into()),
            };
            match st.as_ref().map(kind) {
                Some(FileType::Symlink) => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(Errno::LOOP.into());
                    }
                    let target = rfs::readlinkat(cur, &c, Vec::new())?;
                    let target = target.as_bytes();
                    if target.first() == Some(&b'/') {
                        // Absolute: the same path inside the root.
                        stack.clear();
                        shown.clear();
                    }
                    for t in components(target).rev() {
                        queue.push_front(t);
                    }
                }
                _ if last => {
                    shown.push(c.clone());
                    let dir = match stack.pop() {
                        Some(d) => d,
                        None => root,
                    };
                    return Ok(Located {
                        dir,
                        name: c,
                        shown: self.path.join(shown.iter().collect::<PathBuf>()),
                    });
                }
                Some(FileType::Directory) => {
                    let fd = rfs::openat(
                        cur,
                        &c,
                        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                        Mode::empty(),
                    )?;
                    stack.push(fd);
                    shown.push(c);
                }
                _ => return Err(Errno::NOTDIR.into()),
            }
        }
        if !dir {
            return Err(Errno::ISDIR.into());
        }
        let d = match stack.pop() {
            Some(d) => d,
            None => root,
        };
        Ok(Located {
            dir: d,
            name: OsString::from("."),
            shown: self.path.join(shown.iter().collect::<PathBuf>()),
        })
    }

    /// Finds `file` (e.g. `/etc/hosts`) under the root, following symlinks inside it.
    pub(crate) fn locate(&self, file: &str) -> io::Result<Located> {
        self.walk(file, false)
    }

    /// Opens the directory `dir` (e.g. `/etc/logrotate.d`, or `/` for the root).
    pub(crate) fn open_dir(&self, dir: &str) -> io::Result<OwnedFd> {
        Ok(self.walk(dir, true)?.dir)
    }

    /// The names in directory `dir` with what their entries say they are.
    pub(crate) fn list(&self, dir: &str) -> io::Result<Vec<(OsString, FileType)>> {
        let fd = self.open_dir(dir)?;
        let mut out = Vec::new();
        for entry in rfs::Dir::read_from(&fd)? {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            out.push((OsStr::from_bytes(name).to_owned(), entry.file_type()));
        }
        Ok(out)
    }

    /// What `file` is, following symlinks inside the root; `None` if it does not exist or
    /// cannot be reached.
    pub(crate) fn file_type(&self, file: &str) -> Option<FileType> {
        let loc = self.locate(file).ok()?;
        loc.stat().ok().flatten().map(|st| kind(&st))
    }

    /// Whether `file` is a regular file.
    pub(crate) fn is_file(&self, file: &str) -> bool {
        self.file_type(file) == Some(FileType::RegularFile)
    }

    /// The modification time of `file` in seconds, `None` if it does not exist.
    pub(crate) fn mtime(&self, file: &str) -> Option<i64> {
        self.mtime_and_size(file).map(|(mtime, _)| mtime)
    }

    /// The modification time of `file` in seconds and its size in bytes, `None` if it does
    /// not exist.
    pub(crate) fn mtime_and_size(&self, file: &str) -> Option<(i64, u64)> {
        let st = self.locate(file).ok()?.stat().ok()??;
        Some((st.st_mtime, u64::try_from(st.st_size).unwrap_or(0)))
    }

    /// Reads `file`, a regular file, as bytes.
    pub(crate) fn read(&self, file: &str) -> io::Result<Vec<u8>> {
        let loc = self.locate(file)?;
        match loc.stat()? {
            None => return Err(Errno::NOENT.into()),
            Some(st) if kind(&st) != FileType::RegularFile => {
                return Err(not_regular(&loc.shown));
            }
            Some(_) => {}
        }
        // O_NONBLOCK: should the file have been replaced by a FIFO since, opening it does
        // not wait for a writer; the check below refuses it.
        let fd = rfs::openat(
            &loc.dir,
            &loc.name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        if kind(&rfs::fstat(&fd)?) != FileType::RegularFile {
            return Err(not_regular(&loc.shown));
        }
        let mut bytes = Vec::new();
        std::fs::File::from(fd).read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// Reads `file` as text; bytes that are not UTF-8 are kept as their stand-in
    /// characters ([`crate::text`]), so that writing the text back gives the same bytes.
    pub(crate) fn read_text(&self, file: &str) -> io::Result<String> {
        Ok(crate::text::decode_owned(self.read(file)?))
    }

    /// Writes `text` as the new content of `file`: a temp file created next to it with
    /// mode 0600 (so nobody else can open it while it is written), the original's owner
    /// and mode set through the open handle (new files: `0666 & ~umask`), fsync, then a
    /// rename over the file. In backup mode the original is first renamed to
    /// `<file>.augsave`; in newfile mode the text goes to `<file>.augnew`. With
    /// `copy_if_rename_fails`, a rename that fails with EXDEV or EBUSY (a bind mount)
    /// copies the contents instead, never through a symlink: an existing `.augsave` is
    /// unlinked first. On any failure the temp file is removed and the original is left as
    /// it was.
    pub(crate) fn write_atomic(
        &self,
        file: &str,
        text: &str,
        mode: SaveMode,
        copy_if_rename_fails: bool,
    ) -> Result<(), SaveFailure> {
        let loc = self.locate(file).map_err(|e| {
            // A missing directory: Augeas reports it when creating the temp file (it never
            // creates directories).
            let kind = if e.kind() == io::ErrorKind::NotFound {
                "mk_augtemp"
            } else {
                "canon_augorig"
            };
            SaveFailure { kind, error: e }
        })?;
        let orig = loc.stat().map_err(fail("canon_augorig"))?;
        if let Some(st) = &orig
            && kind(st) != FileType::RegularFile
        {
            return Err(SaveFailure {
                kind: "canon_augorig",
                error: not_regular(&loc.shown),
            });
        }
        let dest = match mode {
            SaveMode::NewFile => loc.sibling(".augnew"),
            _ => loc.name.clone(),
        };
        let (tmp, fd) = make_temp(&loc.dir, &dest).map_err(fail("mk_augtemp"))?;
        let result = (|| {
            match &orig {
                Some(st) => {
                    // Owner first (it may clear setuid bits), then the mode. A file whose
                    // owner cannot be kept is not replaced, as in Augeas (`replace_chown`):
                    // it would change hands.
                    rfs::fchown(
                        &fd,
                        Some(rfs::Uid::from_raw(st.st_uid)),
                        Some(rfs::Gid::from_raw(st.st_gid)),
                    )
                    .map_err(|e| SaveFailure {
                        kind: "replace_chown",
                        error: e.into(),
                    })?;
                    rfs::fchmod(&fd, Mode::from_raw_mode(st.st_mode & 0o7777)).map_err(|e| {
                        SaveFailure {
                            kind: "create_chmod",
                            error: e.into(),
                        }
                    })?;
                }
                None => {
                    rfs::fchmod(&fd, Mode::from_raw_mode(0o666 & !umask())).map_err(|e| {
                        SaveFailure {
                            kind: "create_chmod",
                            error: e.into(),
                        }
                    })?;
                }
            }
            let mut f = std::fs::File::from(fd);
            f.write_all(&crate::text::encode(text))
                .map_err(fail("error_augtemp"))?;
            f.flush().map_err(fail("flush_augtemp"))?;
            f.sync_all().map_err(fail("sync_augtemp"))?;
            drop(f);
            if mode == SaveMode::Backup && orig.is_some() {
                let backup = loc.sibling(".augsave");
                move_file(&loc.dir, &loc.name, &backup, copy_if_rename_fails, true)?;
            }
            move_file(&loc.dir, &tmp, &dest, copy_if_rename_fails, false)
        })();
        if result.is_err() {
            let _ = rfs::unlinkat(&loc.dir, &tmp, AtFlags::empty());
        }
        result
    }

    /// Deletes `file` (backup mode: renames it to `<file>.augsave`). Returns `false` when
    /// there was no file to delete.
    pub(crate) fn remove(&self, file: &str, backup: bool) -> Result<bool, SaveFailure> {
        let loc = match self.locate(file) {
            Ok(l) => l,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => {
                return Err(SaveFailure {
                    kind: "canon_augorig",
                    error: e,
                });
            }
        };
        match loc.stat().map_err(fail("canon_augorig"))? {
            None => return Ok(false),
            Some(st) if kind(&st) != FileType::RegularFile => {
                return Err(SaveFailure {
                    kind: "canon_augorig",
                    error: not_regular(&loc.shown),
                });
            }
            Some(_) => {}
        }
        if backup {
            rfs::renameat(&loc.dir, &loc.name, &loc.dir, loc.sibling(".augsave")).map_err(|e| {
                SaveFailure {
                    kind: "rename_augsave",
                    error: e.into(),
                }
            })?;
        } else {
            rfs::unlinkat(&loc.dir, &loc.name, AtFlags::empty()).map_err(|e| SaveFailure {
                kind: "unlink_orig",
                error: e.into(),
            })?;
        }
        Ok(true)
    }

    /// The path of `file` under the root, as Augeas shows it (`/root/etc/hosts`).
    pub(crate) fn shown(&self, file: &str) -> PathBuf {
        let mut p = self.path.clone();
        for c in components(file.as_bytes()) {
            p.push(c);
        }
        p
    }
}

/// The process's umask, read from `/proc/self/status` (setting it to read it back would
/// race with other threads); 022 where that cannot be read.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// Creates a fresh temp file `<dest>.XXXXXX` in `dir`, exclusively, with mode 0600.
fn make_temp(dir: &OwnedFd, dest: &OsStr) -> io::Result<(OsString, OwnedFd)> {
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0u32..100 {
        let mut name = dest.to_owned();
        name.push(format!(
            ".{:06x}",
            (pid ^ nanos ^ attempt.wrapping_mul(0x9e37)) & 0xff_ffff
        ));
        match rfs::openat(
            dir,
            &name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        ) {
            Ok(fd) => return Ok((name, fd)),
            Err(Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not create a unique temp file",
    ))
}

/// Renames `from` onto `to` in `dir`; on EXDEV/EBUSY copies instead when allowed (as
/// Augeas does with `/augeas/save/copy_if_rename_fails`). For a backup (`.augsave`), the
/// destination is unlinked first and created afresh, so a symlink or a mount there is
/// never written through. Failures carry Augeas's names (`rename_augtemp`,
/// `clone_unlink_dst_augsave`, ...).
fn move_file(
    dir: &OwnedFd,
    from: &OsStr,
    to: &OsStr,
    copy_if_rename_fails: bool,
    backup: bool,
) -> Result<(), SaveFailure> {
    let at = |step: &'static str| {
        let kind = super::step_kind(step, backup);
        move |e: io::Error| SaveFailure { kind, error: e }
    };
    match rfs::renameat(dir, from, dir, to) {
        Ok(()) => Ok(()),
        Err(e) if copy_if_rename_fails && matches!(e, Errno::XDEV | Errno::BUSY) => {
            let src = rfs::openat(
                dir,
                from,
                OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| at("clone_open_src")(e.into()))?;
            let src_stat = rfs::fstat(&src).map_err(|e| at("clone_read")(e.into()))?;
            let mut data = Vec::new();
            std::fs::File::from(src)
                .read_to_end(&mut data)
                .map_err(at("clone_read"))?;
            let flags = if backup {
                match rfs::unlinkat(dir, to, AtFlags::empty()) {
                    Ok(()) | Err(Errno::NOENT) => {}
                    Err(e) => return Err(at("clone_unlink_dst")(e.into())),
                }
                OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC
            } else {
                OFlags::WRONLY | OFlags::TRUNC | OFlags::NOFOLLOW | OFlags::CLOEXEC
            };
            let dst = rfs::openat(dir, to, flags, Mode::from_raw_mode(0o600))
                .map_err(|e| at("clone_open_dst")(e.into()))?;
            if backup {
                // The backup gets the original's owner and mode, as Augeas's copy does.
                let _ = rfs::fchown(
                    &dst,
                    Some(rfs::Uid::from_raw(src_stat.st_uid)),
                    Some(rfs::Gid::from_raw(src_stat.st_gid)),
                );
                let _ = rfs::fchmod(&dst, Mode::from_raw_mode(src_stat.st_mode & 0o7777));
            }
            let mut f = std::fs::File::from(dst);
            f.write_all(&data).map_err(at("clone_write"))?;
            f.sync_all().map_err(at("clone_sync"))?;
            match rfs::unlinkat(dir, from, AtFlags::empty()) {
                Ok(()) => Ok(()),
                // The original of a backup is a mount point (that is why it could not be
                // renamed): it stays, and the temp file is copied over it next.
                Err(_) if backup => Ok(()),
                Err(e) => Err(at("clone_unlink_src")(e.into())),
            }
        }
        Err(e) => Err(at("rename")(e.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::{PermissionsExt, symlink};

    /// A root with `etc/hosts`, a file outside it, and links of every kind.
    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let top = tempfile::tempdir().unwrap();
        let root = top.path().join("root");
        let outside = top.path().join("outside");
        fs::create_dir_all(root.join("etc/sub")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(root.join("etc/hosts"), "inside\n").unwrap();
        fs::write(outside.join("secret"), "secret\n").unwrap();
        symlink("hosts", root.join("etc/rel")).unwrap();
        symlink("/etc/hosts", root.join("etc/abs")).unwrap();
        symlink("../../outside/secret", root.join("etc/climb")).unwrap();
        symlink(outside.join("secret"), root.join("etc/far")).unwrap();
        symlink("../hosts", root.join("etc/sub/up")).unwrap();
        symlink("loop", root.join("etc/loop")).unwrap();
        (top, root, outside)
    }

    #[test]
    fn links_are_followed_inside_the_root_only() {
        let (_top, root, _) = setup();
        let r = Root::new(&root);
        for f in [
            "/etc/hosts",
            "/etc/rel",
            "/etc/abs",
            "/etc/sub/up",
            "/etc/sub/../hosts",
        ] {
            assert_eq!(r.read_text(f).unwrap(), "inside\n", "{f}");
        }
        let e = r.read_text("/etc/climb").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied, "{e}");
        // An absolute target is read inside the root, where it does not exist.
        assert_eq!(
            r.read_text("/etc/far").unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        assert!(r.read_text("/../outside/secret").is_err());
        assert!(r.read_text("/etc/loop").is_err());
        assert!(r.read_text("/etc").is_err(), "a directory is not read");
    }

    #[test]
    fn only_regular_files_are_read_or_written() {
        let (_top, root, _) = setup();
        let fifo = root.join("etc/fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let r = Root::new(&root);
        let e = r.read_text("/etc/fifo").unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let f = r
            .write_atomic("/etc/fifo", "x\n", SaveMode::Overwrite, false)
            .unwrap_err();
        assert_eq!(f.kind, "canon_augorig");
        assert!(r.remove("/etc/fifo", false).is_err());
    }

    #[test]
    fn writes_go_through_the_link_to_the_file_inside_the_root() {
        let (_top, root, outside) = setup();
        let r = Root::new(&root);
        r.write_atomic("/etc/abs", "new\n", SaveMode::Overwrite, false)
            .unwrap();
        assert_eq!(fs::read_to_string(root.join("etc/hosts")).unwrap(), "new\n");
        assert!(
            fs::symlink_metadata(root.join("etc/abs"))
                .unwrap()
                .is_symlink()
        );
        assert!(
            r.write_atomic("/etc/climb", "x\n", SaveMode::Overwrite, false)
                .is_err()
        );
        assert_eq!(
            fs::read_to_string(outside.join("secret")).unwrap(),
            "secret\n"
        );
    }

    #[test]
    fn temp_files_are_private_from_the_start() {
        let (_top, root, _) = setup();
        fs::set_permissions(root.join("etc/hosts"), fs::Permissions::from_mode(0o640)).unwrap();
        let dir = Root::new(&root).open_dir("/etc").unwrap();
        let (name, fd) = make_temp(&dir, OsStr::new("hosts")).unwrap();
        assert_eq!(rfs::fstat(&fd).unwrap().st_mode & 0o777, 0o600);
        rfs::unlinkat(&dir, &name, AtFlags::empty()).unwrap();
        // The saved file gets the original's mode.
        Root::new(&root)
            .write_atomic("/etc/hosts", "x\n", SaveMode::Overwrite, false)
            .unwrap();
        let mode = fs::metadata(root.join("etc/hosts"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn a_new_file_gets_the_umask_mode() {
        let (_top, root, _) = setup();
        Root::new(&root)
            .write_atomic("/etc/new", "x\n", SaveMode::Overwrite, false)
            .unwrap();
        let mode = fs::metadata(root.join("etc/new"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o666 & !umask());
    }
}
