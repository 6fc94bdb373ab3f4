//! All file-system access of aug-core: files under the root (read, written atomically,
//! deleted: see [`root`], which confines every path to the root), expanding the
//! transforms' `incl` globs, the module files of the load path and the autoload cache's
//! file. Nothing else in aug-core touches the disk.

mod root;

pub(crate) use root::Root;

use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};

/// What identifies a version of a file without reading it: size, inode, modification
/// and change times (seconds and nanoseconds). `None` if it cannot be read.
pub(crate) fn stamp(path: &Path) -> Option<[i64; 6]> {
    let m = fs::metadata(path).ok()?;
    Some([
        i64::try_from(m.size()).ok()?,
        i64::try_from(m.ino()).ok()?,
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    ])
}

/// Opens the cache directory `dir` without following a symlink in its last component,
/// and only if this process's user owns it and nobody else may write to it.
fn open_cache_dir(dir: &Path) -> io::Result<std::os::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::openat(
        rustix::fs::CWD,
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    private(&rustix::fs::fstat(&fd)?)?;
    Ok(fd)
}

/// Refuses what another user owns or may write to (it could steer what is loaded).
fn private(st: &rustix::fs::Stat) -> io::Result<()> {
    if st.st_uid != rustix::process::geteuid().as_raw() || st.st_mode & 0o022 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "cache not owned by this user, or writable by others",
        ));
    }
    Ok(())
}

/// Reads the cache file `name` in `dir`: only a regular file that this process's user
/// owns and nobody else may write, in a directory that is the same, reached without
/// following a symlink (neither the directory itself nor the file). `None` otherwise, or
/// if it cannot be read.
pub(crate) fn read_cache(dir: &Path, name: &str) -> Option<Vec<u8>> {
    use rustix::fs::{FileType, Mode, OFlags};
    let d = open_cache_dir(dir).ok()?;
    let fd = rustix::fs::openat(
        &d,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    let st = rustix::fs::fstat(&fd).ok()?;
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile || private(&st).is_err() {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(st.st_size).unwrap_or(0));
    fs::File::from(fd).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Writes a cache file in `dir` (made, private, if missing) under `name`: through a
/// temporary file renamed over it, so readers see the old file or the new one, never
/// half of one. Nothing is written through a symlink, nor into a directory another user
/// owns or may write to. Errors are the caller's to ignore: a cache is an optimisation.
pub(crate) fn write_cache(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    use rustix::fs::{AtFlags, Mode, OFlags};
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let d = open_cache_dir(dir)?;
    let tmp = format!(".{name}.{}.tmp", std::process::id());
    let written = (|| {
        let fd = rustix::fs::openat(
            &d,
            tmp.as_str(),
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )?;
        fs::File::from(fd).write_all(bytes)?;
        rustix::fs::renameat(&d, tmp.as_str(), &d, name)?;
        Ok(())
    })();
    if written.is_err() {
        let _ = rustix::fs::unlinkat(&d, tmp.as_str(), AtFlags::empty());
    }
    written
}

/// Reads a file (a module, not under the root) as text. Invalid UTF-8 is refused with
/// `InvalidData`.
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    utf8(fs::read(path)?)
}

/// An I/O error as Augeas words it (`strerror`): `No such file or directory`, without the
/// ` (os error 2)` that Rust adds.
pub(crate) fn message(e: &io::Error) -> String {
    let s = e.to_string();
    match (e.raw_os_error(), s.rfind(" (os error ")) {
        (Some(_), Some(at)) => s.get(..at).unwrap_or(&s).to_owned(),
        _ => s,
    }
}

/// Bytes as text; invalid UTF-8 is refused with `InvalidData`.
pub(crate) fn utf8(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        )
    })
}

/// A step of an atomic save that failed, with Augeas's name for it.
#[derive(Debug)]
pub(crate) struct SaveFailure {
    /// Augeas's status name, e.g. `mk_augtemp`, `rename_augtemp`.
    pub(crate) kind: &'static str,
    pub(crate) error: io::Error,
}

fn fail(kind: &'static str) -> impl FnOnce(io::Error) -> SaveFailure {
    move |error| SaveFailure { kind, error }
}

/// How a save treats the original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SaveMode {
    Overwrite,
    Backup,
    NewFile,
}

/// Augeas's status name for a failed `step` of moving a file: `<step>_augtemp` (the temp
/// file onto the target) or `<step>_augsave` (the original onto its backup).
fn step_kind(step: &'static str, backup: bool) -> &'static str {
    macro_rules! names {
        ($($step:literal),*) => {
            match (step, backup) {
                $(
                    ($step, false) => concat!($step, "_augtemp"),
                    ($step, true) => concat!($step, "_augsave"),
                )*
                _ => step,
            }
        };
    }
    names!(
        "rename",
        "clone_open_src",
        "clone_read",
        "clone_unlink_dst",
        "clone_open_dst",
        "clone_write",
        "clone_sync",
        "clone_unlink_src"
    )
}

/// `fnmatch(3)` with `FNM_PATHNAME`: `*` and `?` never match `/`, `[...]` classes (with `!`
/// or `^` negation and ranges), backslash escapes. A leading `.` is matched by wildcards
/// (no `FNM_PERIOD`), as Augeas calls it.
pub(crate) fn fnmatch(pattern: &str, name: &str) -> bool {
    fnmatch_bytes(pattern.as_bytes(), name.as_bytes())
}

fn fnmatch_bytes(p: &[u8], s: &[u8]) -> bool {
    // Iterative matcher with single-star backtracking (linear in practice).
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        let c = s[si];
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi + 1, si));
                pi += 1;
                continue;
            }
            Some(b'?') if c != b'/' => {
                pi += 1;
                si += 1;
                continue;
            }
            Some(b'[') if c != b'/' => {
                if let Some((matched, next)) = class(p, pi, c) {
                    if matched {
                        pi = next;
                        si += 1;
                        continue;
                    }
                } else if c == b'[' {
                    pi += 1;
                    si += 1;
                    continue;
                }
            }
            Some(b'\\') if p.get(pi + 1) == Some(&c) => {
                pi += 2;
                si += 1;
                continue;
            }
            Some(&pc) if pc == c && pc != b'*' && pc != b'?' && pc != b'[' && pc != b'\\' => {
                pi += 1;
                si += 1;
                continue;
            }
            _ => {}
        }
        // Mismatch: let the last star absorb one more byte, unless that byte is '/'.
        match star {
            Some((sp, ss)) if s.get(ss) != Some(&b'/') => {
                star = Some((sp, ss + 1));
                pi = sp;
                si = ss + 1;
            }
            _ => return false,
        }
    }
    while p.get(pi) == Some(&b'*') {
        pi += 1;
    }
    pi == p.len()
}

/// Matches byte `c` against the bracket expression starting at `p[start] == '['`.
/// Returns whether it matched and the index after the closing `]`, or `None` if the
/// bracket is not closed (then `[` is literal).
fn class(p: &[u8], start: usize, c: u8) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let b = *p.get(i)?;
        if b == b']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        let lo = if b == b'\\' {
            i += 1;
            *p.get(i)?
        } else {
            b
        };
        if p.get(i + 1) == Some(&b'-') && p.get(i + 2).is_some_and(|&x| x != b']') {
            let hi = *p.get(i + 2)?;
            if lo <= c && c <= hi {
                matched = true;
            }
            i += 3;
        } else {
            if lo == c {
                matched = true;
            }
            i += 1;
        }
    }
}

fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b'*' | b'?' | b'['))
}

/// The names of the files (or symlinks to files) in `dir` ending with `suffix`, not
/// hidden, sorted: [`Globber::glob`] of `/*.aug` with one listing and no `stat` per file.
pub(crate) fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<String> {
    let mut g = Globber::new(dir);
    let names: Vec<String> = g
        .listing("")
        .unwrap_or_default()
        .iter()
        .filter(|(n, _)| !n.starts_with('.') && n.ends_with(suffix))
        .map(|(n, _)| n.clone())
        .collect();
    names
        .into_iter()
        .filter(|n| g.is("", n, Kind::File))
        .collect()
}

/// What a directory entry is, as its directory listing says (without a `stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dir,
    File,
    /// A symlink (or a type the listing does not tell): `stat` decides.
    Other,
}

/// Expands `incl` globs under one root, reading each directory at most once: the
/// ~500 `incl` patterns of the stock modules share their directories, and telling files
/// from directories by the listing spares a `stat` per pattern and per match.
pub(crate) struct Globber {
    root: PathBuf,
    /// Whether paths are confined to the root ([`Root`]): the `incl` globs of transforms
    /// are; the module directories of the load path are not.
    confined: bool,
    /// Directory (relative to the root, `""` for the root) to its entries, sorted by name;
    /// `None` when it cannot be listed.
    dirs: std::collections::HashMap<String, Option<Vec<(String, Kind)>>>,
}

impl Globber {
    /// A globber for a directory of modules.
    pub(crate) fn new(root: &Path) -> Self {
        Globber {
            root: root.to_path_buf(),
            confined: false,
            dirs: std::collections::HashMap::new(),
        }
    }

    /// A globber for the files under a root: it never lists or reaches anything outside
    /// it, not through `..` nor through a symlink.
    pub(crate) fn confined(root: &Path) -> Self {
        Globber {
            confined: true,
            ..Globber::new(root)
        }
    }

    /// The entries of `rel` with their kinds, unsorted.
    fn read_listing(&self, rel: &str) -> Option<Vec<(String, Kind)>> {
        if self.confined {
            let entries = Root::new(&self.root).list(rel).ok()?;
            return Some(
                entries
                    .into_iter()
                    .filter_map(|(n, t)| {
                        let kind = match t {
                            rustix::fs::FileType::Directory => Kind::Dir,
                            rustix::fs::FileType::RegularFile => Kind::File,
                            _ => Kind::Other,
                        };
                        Some((n.into_string().ok()?, kind))
                    })
                    .collect(),
            );
        }
        let rd = fs::read_dir(self.abs(rel)).ok()?;
        Some(
            rd.flatten()
                .filter_map(|e| {
                    let kind = match e.file_type() {
                        Ok(t) if t.is_dir() => Kind::Dir,
                        Ok(t) if t.is_file() => Kind::File,
                        _ => Kind::Other,
                    };
                    Some((e.file_name().into_string().ok()?, kind))
                })
                .collect(),
        )
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel.trim_start_matches('/'))
    }

    /// The entries of directory `rel`, listed on first use.
    fn listing(&mut self, rel: &str) -> Option<&[(String, Kind)]> {
        if !self.dirs.contains_key(rel) {
            let entries = self.read_listing(rel).map(|mut v| {
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            });
            self.dirs.insert(rel.to_owned(), entries);
        }
        self.dirs.get(rel).and_then(|d| d.as_deref())
    }

    /// Whether `rel/name` is of `kind` (following symlinks), from the listing of `rel`
    /// when it can be read.
    fn is(&mut self, rel: &str, name: &str, kind: Kind) -> bool {
        // Listings hold neither `.` nor `..`.
        let special = name == "." || name == "..";
        let listed = (!special)
            .then(|| self.listing(rel))
            .flatten()
            .map(|entries| {
                entries
                    .binary_search_by(|(n, _)| n.as_str().cmp(name))
                    .ok()
                    .and_then(|i| entries.get(i))
                    .map(|&(_, k)| k)
            });
        match listed {
            Some(None) => false,
            Some(Some(k)) if k != Kind::Other => k == kind,
            _ if self.confined => {
                let root = Root::new(&self.root);
                let path = format!("{rel}/{name}");
                match kind {
                    Kind::Dir => root.open_dir(&path).is_ok(),
                    // A link that leads out of the root is kept, so that load reports it
                    // (`read_failed`) instead of skipping it without a word.
                    _ => match root.locate(&path) {
                        Err(e) => e.kind() == io::ErrorKind::PermissionDenied,
                        Ok(_) => root.is_file(&path),
                    },
                }
            }
            _ => {
                let path = self.abs(&format!("{rel}/{name}"));
                match kind {
                    Kind::Dir => path.is_dir(),
                    _ => path.is_file(),
                }
            }
        }
    }

    /// Expands an `incl` glob (absolute, e.g. `/etc/logrotate.d/*`) under the root, like
    /// `glob(3)`: wildcards never cross `/`, and hidden names are matched only by a
    /// pattern that starts with a literal `.`. Returns the matching paths relative to the
    /// root (`/etc/...`), regular files (or symlinks to them) only, sorted.
    pub(crate) fn glob(&mut self, pattern: &str) -> Vec<String> {
        let comps: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
        let mut current: Vec<String> = vec![String::new()];
        for (i, comp) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let mut next = Vec::new();
            for base in &current {
                if has_wildcard(comp) {
                    let Some(entries) = self.listing(base) else {
                        continue;
                    };
                    // Listings are sorted by name already.
                    for (n, _) in entries {
                        if (!n.starts_with('.') || comp.starts_with('.')) && fnmatch(comp, n) {
                            next.push(format!("{base}/{n}"));
                        }
                    }
                } else {
                    let unescaped = comp.replace('\\', "");
                    if last || self.is(base, &unescaped, Kind::Dir) {
                        next.push(format!("{base}/{unescaped}"));
                    }
                }
            }
            current = next;
        }
        let mut out = Vec::with_capacity(current.len());
        for p in current {
            let (dir, name) = p.rsplit_once('/').unwrap_or(("", p.as_str()));
            if self.is(dir, name, Kind::File) {
                out.push(p);
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_pathname_semantics() {
        let cases = [
            ("*.bak", "x.bak", true),
            ("/etc/cron.d/*", "/etc/cron.d/backup", true),
            ("/etc/*", "/etc/cron.d/backup", false),
            ("*~", "foo~", true),
            ("#*#", "#x#", true),
            ("*.dpkg-[a-z]*", "a.dpkg-old", true),
            ("[!a]*", "abc", false),
            ("[!a]*", "bbc", true),
            ("a?c", "a/c", false),
            ("a\\*", "a*", true),
            ("a\\*", "ab", false),
        ];
        for (p, s, want) in cases {
            assert_eq!(fnmatch(p, s), want, "fnmatch({p:?}, {s:?})");
        }
    }

    #[test]
    fn globs_list_each_directory_once_and_match_like_glob3() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        fs::create_dir_all(r.join("etc/c.conf")).unwrap();
        for f in ["etc/a.conf", "etc/b.conf", "etc/.hidden.conf", "etc/x.txt"] {
            fs::write(r.join(f), "x").unwrap();
        }
        std::os::unix::fs::symlink("a.conf", r.join("etc/link.conf")).unwrap();
        std::os::unix::fs::symlink("nowhere", r.join("etc/dangling.conf")).unwrap();
        std::os::unix::fs::symlink("etc", r.join("etc-link")).unwrap();
        for confined in [false, true] {
            let mut g = if confined {
                Globber::confined(r)
            } else {
                Globber::new(r)
            };
            let cases: &[(&str, &[&str])] = &[
                (
                    "/etc/*.conf",
                    &["/etc/a.conf", "/etc/b.conf", "/etc/link.conf"],
                ),
                ("/etc/.*.conf", &["/etc/.hidden.conf"]),
                ("/etc/a.conf", &["/etc/a.conf"]),
                ("/etc/c.conf", &[]),
                ("/etc/missing", &[]),
                ("/nope/*/x", &[]),
                ("/*/a.conf", &["/etc-link/a.conf", "/etc/a.conf"]),
                ("/etc-link/b.conf", &["/etc-link/b.conf"]),
                ("/etc/../etc/a.conf", &["/etc/../etc/a.conf"]),
                ("/etc/\\a.conf", &["/etc/a.conf"]),
            ];
            for (pattern, want) in cases {
                assert_eq!(g.glob(pattern), *want, "{pattern} (confined: {confined})");
            }
        }
        assert_eq!(
            files_with_suffix(&r.join("etc"), ".conf"),
            ["a.conf", "b.conf", "link.conf"]
        );
    }

    #[test]
    fn the_cache_is_never_reached_through_a_symlink() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("cache");
        write_cache(&dir, "c", b"mine").unwrap();
        assert_eq!(read_cache(&dir, "c").as_deref(), Some(&b"mine"[..]));
        // A file planted as a symlink is neither read nor written through.
        let victim = top.path().join("victim");
        fs::write(&victim, "victim").unwrap();
        symlink(&victim, dir.join("planted")).unwrap();
        assert_eq!(read_cache(&dir, "planted"), None);
        write_cache(&dir, "planted", b"new").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "victim");
        assert!(
            !fs::symlink_metadata(dir.join("planted"))
                .unwrap()
                .is_symlink()
        );
        // The cache directory itself as a symlink: not used at all.
        let real = top.path().join("real");
        write_cache(&real, "c", b"x").unwrap();
        let link = top.path().join("link");
        symlink(&real, &link).unwrap();
        assert_eq!(read_cache(&link, "c"), None);
        assert!(write_cache(&link, "d", b"y").is_err());
        assert!(!real.join("d").exists());
        // A directory others may write to is not trusted.
        fs::set_permissions(&real, fs::Permissions::from_mode(0o777)).unwrap();
        assert_eq!(read_cache(&real, "c"), None);
        assert!(write_cache(&real, "e", b"z").is_err());
    }

    #[test]
    fn confined_globs_never_leave_the_root() {
        let top = tempfile::tempdir().unwrap();
        let r = top.path().join("root");
        let outside = top.path().join("outside");
        fs::create_dir_all(r.join("etc")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("secret"), "x").unwrap();
        fs::write(r.join("etc/a.conf"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, r.join("etc/out")).unwrap();
        std::os::unix::fs::symlink("../../outside", r.join("etc/up")).unwrap();
        let mut g = Globber::confined(&r);
        for pattern in [
            "/*/../../outside/*",
            "/../outside/*",
            "/etc/up/*",
            "/etc/up/secret",
            "/etc/out/../../outside/secret",
        ] {
            assert_eq!(g.glob(pattern), Vec::<String>::new(), "{pattern}");
        }
        // An absolute link is the same path inside the root (chroot semantics).
        assert_eq!(g.glob("/etc/out/*"), Vec::<String>::new());
        fs::create_dir_all(r.join(outside.strip_prefix("/").unwrap())).unwrap();
        fs::write(
            r.join(outside.strip_prefix("/").unwrap()).join("inside"),
            "x",
        )
        .unwrap();
        let mut g = Globber::confined(&r);
        assert_eq!(g.glob("/etc/out/*"), ["/etc/out/inside"]);
    }
}
