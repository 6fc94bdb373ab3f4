//! The autoload cache: what scanning the modules of a load path found (which modules
//! autoload, with their transform's name and filter), kept in a file between processes.
//!
//! Scanning some 230 stock modules costs more than the rest of a handle's startup, and
//! its result only changes when a module file does. The cache file starts with a header
//! naming this version of aug-core, the options and every module file of the load path
//! with its [stamp](crate::fs::stamp) (size, inode, modification and change times); it is
//! used only when that header is byte for byte the one the files have now. A module that
//! failed to load is never cached (its error is found again each time), and nothing but
//! names and globs is: lenses are still built from the module sources, on first use.
//!
//! The format is private and versioned by the header: lengths are little-endian `u32`,
//! numbers little-endian `i64`, strings their UTF-8 bytes after their length.

use super::Options;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// What scanning found in one module file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scanned {
    /// The module does not autoload: it only offers its lens to transforms that name it.
    LensOnly,
    /// The module autoloads transform `xfm` under the name `name`, for the files of the
    /// `incl` globs less those of the `excl` globs.
    Autoload {
        name: String,
        xfm: String,
        incl: Vec<String>,
        excl: Vec<String>,
    },
}

const MAGIC: &[u8] = b"aug-rs autoload cache\n";

/// The cache file's name for a load path and options (several load paths keep several
/// files side by side).
pub(crate) fn file_name(load_path: &[PathBuf], options: Options) -> String {
    let mut h = rustc_hash::FxHasher::default();
    load_path.hash(&mut h);
    (options.typecheck, options.strict).hash(&mut h);
    format!("autoload-{:016x}.bin", h.finish())
}

/// The header the cache file must start with for `files` (the load path's module files
/// with their stems) as they are now, and the latest time (in nanoseconds since the
/// epoch) any of them changed; `None` if a file cannot be stamped.
pub(crate) fn header(options: Options, files: &[(PathBuf, String)]) -> Option<(Vec<u8>, i128)> {
    let mut out = Writer(MAGIC.to_vec());
    let mut newest = i128::MIN;
    out.str(env!("CARGO_PKG_VERSION"));
    out.num(i64::from(options.typecheck));
    out.num(i64::from(options.strict));
    out.len(files.len());
    for (path, _) in files {
        out.bytes(path.as_os_str().as_encoded_bytes());
        let stamp = crate::fs::stamp(path)?;
        let nanos = |s: i64, ns: i64| i128::from(s) * 1_000_000_000 + i128::from(ns);
        newest = newest
            .max(nanos(stamp[2], stamp[3]))
            .max(nanos(stamp[4], stamp[5]));
        for n in stamp {
            out.num(n);
        }
    }
    Some((out.0, newest))
}

/// The cache file's content: `header`, then one entry per module file, in order.
pub(crate) fn encode(header: &[u8], entries: &[&Scanned]) -> Vec<u8> {
    let mut out = Writer(header.to_vec());
    for e in entries {
        match e {
            Scanned::LensOnly => out.0.push(0),
            Scanned::Autoload {
                name,
                xfm,
                incl,
                excl,
            } => {
                out.0.push(1);
                out.str(name);
                out.str(xfm);
                for globs in [incl, excl] {
                    out.len(globs.len());
                    for g in globs {
                        out.str(g);
                    }
                }
            }
        }
    }
    out.0
}

/// The `n` entries of a cache file, if it starts with `header` and holds exactly `n`
/// well-formed entries.
pub(crate) fn decode(bytes: &[u8], header: &[u8], n: usize) -> Option<Vec<Scanned>> {
    let mut r = Reader(bytes.strip_prefix(header)?);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (&tag, rest) = r.0.split_first()?;
        r.0 = rest;
        out.push(match tag {
            0 => Scanned::LensOnly,
            1 => {
                let name = r.string()?;
                let xfm = r.string()?;
                let mut globs = [Vec::new(), Vec::new()];
                for g in &mut globs {
                    for _ in 0..r.len()? {
                        g.push(r.string()?);
                    }
                }
                let [incl, excl] = globs;
                Scanned::Autoload {
                    name,
                    xfm,
                    incl,
                    excl,
                }
            }
            _ => return None,
        });
    }
    r.0.is_empty().then_some(out)
}

struct Writer(Vec<u8>);

impl Writer {
    fn len(&mut self, n: usize) {
        self.0
            .extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }

    fn num(&mut self, n: i64) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }

    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn len(&mut self) -> Option<usize> {
        let (n, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        usize::try_from(u32::from_le_bytes(*n)).ok()
    }

    fn string(&mut self) -> Option<String> {
        let n = self.len()?;
        let (s, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        String::from_utf8(s.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Scanned> {
        vec![
            Scanned::LensOnly,
            Scanned::Autoload {
                name: "Hosts".into(),
                xfm: "xfm".into(),
                incl: vec!["/etc/hosts".into(), "/etc/hosts.d/*".into()],
                excl: vec!["*~".into()],
            },
            Scanned::Autoload {
                name: "Ünïcode".into(),
                xfm: "x".into(),
                incl: vec![],
                excl: vec![],
            },
        ]
    }

    #[test]
    fn entries_round_trip() {
        let entries = sample();
        let refs: Vec<&Scanned> = entries.iter().collect();
        let bytes = encode(b"HEAD", &refs);
        assert_eq!(decode(&bytes, b"HEAD", 3), Some(entries));
    }

    #[test]
    fn stale_or_damaged_files_are_refused() {
        let entries = sample();
        let refs: Vec<&Scanned> = entries.iter().collect();
        let bytes = encode(b"HEAD", &refs);
        // Another header (a module changed), another count (one added or removed).
        assert_eq!(decode(&bytes, b"HEAX", 3), None);
        assert_eq!(decode(&bytes, b"HEAD", 2), None);
        assert_eq!(decode(&bytes, b"HEAD", 4), None);
        // Cut anywhere: never a shorter list, never a panic.
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut], b"HEAD", 3), None, "cut at {cut}");
        }
        // Any byte changed: refused or decoded to something, never a panic.
        for i in 4..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            let _ = decode(&b, b"HEAD", 3);
        }
    }

    #[test]
    fn headers_change_with_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.aug");
        std::fs::write(&a, "module A = let x = 1\n").unwrap();
        let files = vec![(a.clone(), "a".to_owned())];
        let options = Options::default();
        let (before, newest) = header(options, &files).unwrap();
        assert_eq!(header(options, &files), Some((before.clone(), newest)));
        // New content (a file changed within the clock's resolution is the autoloader's
        // business: it does not write a cache then).
        std::fs::write(&a, "module A = let yy = 1\n").unwrap();
        assert_ne!(header(options, &files).unwrap().0, before);
        // A file that is gone cannot be stamped.
        std::fs::remove_file(&a).unwrap();
        assert_eq!(header(options, &files), None);
    }
}
