//! Opening a handle as Augeas's `aug_init` does, in one place: the root, the module search
//! path (the given directories, `$AUGEAS_LENS_LIB`, the standard directories), the flags,
//! the modules the caller builds in, and the cache of what the autoload scan found.
//!
//! ```
//! # fn main() -> Result<(), aug_core::Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
//! # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
//! use aug_core::{Augeas, Flags};
//! let aug = Augeas::builder()
//!     .root(dir.path())
//!     .flags(Flags::NO_STDINC)
//!     .modules(aug_lenses::builtin_modules())
//!     .open();
//! assert_eq!(aug.get("/files/etc/hosts/1/canonical")?.as_deref(), Some("localhost"));
//! # Ok(())
//! # }
//! ```

use super::{Augeas, Flags, Module};
use crate::lens::Engine;
use std::path::{Path, PathBuf};

/// The standard module directories of Augeas, searched after the given load path and
/// `$AUGEAS_LENS_LIB` unless [`Flags::NO_STDINC`] is set.
pub const STD_LOADPATH: &[&str] = &["/usr/share/augeas/lenses", "/usr/share/augeas/lenses/dist"];

/// The directories searched for `.aug` modules, in order, as Augeas's `aug_init` does:
/// `loadpath`, then the colon-separated `$AUGEAS_LENS_LIB`, then [`STD_LOADPATH`] unless
/// `flags` has [`Flags::NO_STDINC`].
pub fn search_path(loadpath: &[PathBuf], flags: Flags) -> Vec<PathBuf> {
    let mut dirs = loadpath.to_vec();
    if let Some(lib) = std::env::var_os("AUGEAS_LENS_LIB") {
        dirs.extend(std::env::split_paths(&lib).filter(|d| !d.as_os_str().is_empty()));
    }
    if !flags.contains(Flags::NO_STDINC) {
        dirs.extend(STD_LOADPATH.iter().map(PathBuf::from));
    }
    dirs
}

/// Where what the autoload scan found is cached between processes (see
/// [`crate::lang::autoload_modules_cached`]): `$AUG_RS_CACHE_DIR` if set (set and empty: no
/// cache), else `$XDG_CACHE_HOME/aug-rs`, else `$HOME/.cache/aug-rs`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = std::env::var_os("AUG_RS_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    let base = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    // Relative directories are not meant for this (the XDG spec says to ignore them).
    base.is_absolute().then(|| base.join("aug-rs"))
}

/// The modules a handle opens with: `builtin` first, then every module of
/// [`search_path`] that declares `autoload` (with [`Flags::NO_MODL_AUTOLOAD`]: every
/// module, found by name) and is not built in (names compare case-insensitively, so a
/// built-in `Hosts` wins over `hosts.aug`). Their lenses are built when first needed; a
/// module that fails to load is kept with its error. What the autoload scan finds is
/// cached in `cache_dir`.
pub fn modules_with(
    builtin: Vec<Module>,
    loadpath: &[PathBuf],
    flags: Flags,
    cache_dir: Option<&Path>,
) -> Vec<Module> {
    let mut modules = builtin;
    let options = crate::lang::Options {
        typecheck: flags.contains(Flags::TYPE_CHECK),
        strict: false,
    };
    let dirs = search_path(loadpath, flags);
    // Without autoload, no transform is needed up front: the modules only have to be
    // found by name (`transform Fstab incl …`), which needs no file to be read.
    let loaded = if flags.contains(Flags::NO_MODL_AUTOLOAD) {
        crate::lang::lens_modules(&dirs, options)
    } else {
        crate::lang::autoload_modules_cached(&dirs, options, cache_dir)
    };
    for m in loaded {
        if !modules.iter().any(|b| b.name.eq_ignore_ascii_case(&m.name)) {
            modules.push(m);
        }
    }
    modules
}

/// How to open a handle (see [`Augeas::builder`]).
#[derive(Debug, Default)]
#[must_use]
pub struct Builder {
    root: Option<PathBuf>,
    loadpath: Vec<PathBuf>,
    flags: Flags,
    modules: Vec<Module>,
    /// `None`: the default ([`default_cache_dir`]); `Some(None)`: no cache.
    cache_dir: Option<Option<PathBuf>>,
    engine: Option<Engine>,
    load_threads: Option<usize>,
}

impl Builder {
    /// The root files are read from and written to (default: `$AUGEAS_ROOT`, else `/`).
    pub fn root(mut self, root: impl Into<PathBuf>) -> Builder {
        self.root = Some(root.into());
        self
    }

    /// Directories searched for `.aug` modules before `$AUGEAS_LENS_LIB` and the standard
    /// ones (see [`search_path`]).
    pub fn loadpath<I, P>(mut self, dirs: I) -> Builder
    where
        I: IntoIterator<Item = P>,
        P: Into<PathBuf>,
    {
        self.loadpath = dirs.into_iter().map(Into::into).collect();
        self
    }

    /// The flags, as `aug_init` takes them.
    pub fn flags(mut self, flags: Flags) -> Builder {
        self.flags = flags;
        self
    }

    /// Modules built into the program (e.g. the `lenses` crate's); they win over modules
    /// of the load path with the same name.
    pub fn modules(mut self, modules: Vec<Module>) -> Builder {
        self.modules = modules;
        self
    }

    /// Where to cache what the autoload scan finds: `None` for no cache (default:
    /// [`default_cache_dir`]).
    pub fn cache_dir(mut self, dir: Option<PathBuf>) -> Builder {
        self.cache_dir = Some(dir);
        self
    }

    /// How get splits texts among the parts of a lens, for load and save (default:
    /// [`Engine::Auto`], which picks by text size; `$AUG_RS_GET_ENGINE` when not set
    /// here). Every engine gives the same trees; this is for measuring and comparing.
    pub fn engine(mut self, engine: Engine) -> Builder {
        self.engine = Some(engine);
        self
    }

    /// How many threads a load may read files on: `1` reads them all on the calling
    /// thread; `n > 1` shares them among up to `n` threads (the calling one included) by
    /// size. By default (or `0`), `$AUG_RS_LOAD_THREADS`, else one thread for less than
    /// 64 KiB of files and as many as the machine runs at once (at most 8) for more.
    /// Every setting gives the same trees, metadata and errors.
    pub fn load_threads(mut self, threads: usize) -> Builder {
        self.load_threads = Some(threads);
        self
    }

    /// Opens the handle: finds the modules, and loads the files unless
    /// [`Flags::NO_LOAD`]. As with `aug_init`, nothing here fails: a file that fails to
    /// load is reported under `/augeas/files/<file>/error`, a module that fails to build
    /// under `/augeas/load/<Module>/error` when a file needs it.
    pub fn open(self) -> Augeas {
        let cache = match self.cache_dir {
            Some(dir) => dir,
            None => default_cache_dir(),
        };
        let modules = modules_with(self.modules, &self.loadpath, self.flags, cache.as_deref());
        let root = self.root.as_deref();
        let (flags, threads) = (self.flags, self.load_threads);
        let open = || Augeas::open_with(root, flags, modules, threads);
        let mut aug = match self.engine {
            Some(e) => crate::lens::with_engine(e, open),
            None => open(),
        };
        aug.engine = self.engine;
        aug.set_loadpath(
            search_path(&self.loadpath, self.flags)
                .iter()
                .map(|d| d.to_string_lossy().into_owned())
                .collect(),
        );
        aug
    }
}

impl Augeas {
    /// How to open a handle with a load path, the way `aug_init` does it: a [`Builder`].
    pub fn builder() -> Builder {
        Builder::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// The engine get runs under while a handle opened with `engine` loads a file: seen
    /// by a module whose lens is built on first use, during the load.
    fn engine_during_load(engine: Option<Engine>) -> Option<Engine> {
        let seen = Arc::new(Mutex::new(None));
        let record = Arc::clone(&seen);
        let module = Module::deferred("Kv", vec!["/etc/kv".into()], vec![], move || {
            if let Ok(mut s) = record.lock() {
                *s = Some(crate::lens::engine());
            }
            let any = crate::lens::rx("[^\u{0}]*").map_err(|e| e.to_string())?;
            Ok(crate::lens::del(any, ""))
        });
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        std::fs::write(root.path().join("etc/kv"), "a=1\n").unwrap();
        let mut b = Augeas::builder()
            .root(root.path())
            .flags(Flags::NO_STDINC)
            .modules(vec![module])
            .cache_dir(None);
        if let Some(e) = engine {
            b = b.engine(e);
        }
        let aug = b.open();
        assert_eq!(aug.get("/augeas/files/etc/kv/error").unwrap(), None);
        *seen.lock().unwrap()
    }

    #[test]
    fn the_engine_option_holds_during_load() {
        for e in [Engine::Automata, Engine::Structural, Engine::Auto] {
            assert_eq!(engine_during_load(Some(e)), Some(e));
        }
        // Outside the option, get keeps its own choice (the environment, else Auto).
        assert_eq!(engine_during_load(None), Some(crate::lens::engine()));
    }
}
