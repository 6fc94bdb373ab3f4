//! The built-in lenses of aug-rs: Hosts, Passwd, Cron and Logrotate, written with
//! aug-core's lens combinators, and the registry saying which files each one reads.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod cron;
pub mod hosts;
pub mod logrotate;
pub mod passwd;
pub mod util;

use aug_core::lens::{Lens, LensError};
use aug_core::{Augeas, Flags};
use std::path::{Path, PathBuf};

/// A lens module as Augeas knows it: its name, its lens, and the files it loads.
#[derive(Debug)]
pub struct Module {
    /// The module name, e.g. `"Hosts"` (the lens is `@Hosts` in `/augeas/load`).
    pub name: &'static str,
    /// Builds (or returns the cached) lens of the module.
    pub lens: fn() -> Result<Lens, LensError>,
    /// Globs of the files the module loads, in the order the Augeas filter lists them.
    /// (C's `/augeas/load/<Module>` shows its `incl`/`excl` nodes in another order,
    /// e.g. Cron's `incl[1]` is `/etc/crontabs/*`.)
    pub incl: &'static [&'static str],
    /// Globs of the files it skips, in the order the Augeas filter lists them; a glob
    /// without `/` applies to the base name.
    pub excl: &'static [&'static str],
}

/// A glob list: `extra` followed by Augeas's `Util.stdexcl` (backup and package-manager
/// leftovers), written once for every module that uses it.
macro_rules! with_stdexcl {
    ($($extra:literal),*) => {
        &[
            $($extra,)*
            "*~",
            "*.rpmnew",
            "*.rpmsave",
            "*.dpkg-old",
            "*.dpkg-new",
            "*.dpkg-bak",
            "*.dpkg-dist",
            "*.augsave",
            "*.augnew",
            "*.bak",
            "*.old",
            "#*#",
        ]
    };
}

/// Augeas's `Util.stdexcl`.
const STDEXCL: &[&str] = with_stdexcl!();

/// Cron's exclusions: the allow/deny files in `/etc/cron.d`, then [`STDEXCL`].
const CRON_EXCL: &[&str] = with_stdexcl!(
    "/etc/cron.d/at.allow",
    "/etc/cron.d/at.deny",
    "/etc/cron.d/cron.allow",
    "/etc/cron.d/cron.deny"
);

static MODULES: [Module; 4] = [
    Module {
        name: "Hosts",
        lens: hosts::lens,
        incl: &["/etc/hosts"],
        excl: &[],
    },
    Module {
        name: "Passwd",
        lens: passwd::lens,
        incl: &["/etc/passwd"],
        excl: &[],
    },
    Module {
        name: "Cron",
        lens: cron::lens,
        incl: &["/etc/cron.d/*", "/etc/crontab", "/etc/crontabs/*"],
        excl: CRON_EXCL,
    },
    Module {
        name: "Logrotate",
        lens: logrotate::lens,
        incl: &["/etc/logrotate.d/*", "/etc/logrotate.conf"],
        excl: STDEXCL,
    },
];

/// The built-in modules as aug-core's handle takes them. Their lenses are built when
/// first needed (a file they load), so a handle that never touches, say, a crontab never
/// builds the Cron lens.
pub fn builtin_modules() -> Vec<aug_core::Module> {
    modules()
        .iter()
        .map(|m| {
            let build = m.lens;
            aug_core::Module::deferred(
                m.name,
                m.incl.iter().map(|s| (*s).to_owned()).collect(),
                m.excl.iter().map(|s| (*s).to_owned()).collect(),
                move || build().map_err(|e| e.to_string()),
            )
        })
        .collect()
}

/// Opens a handle with the built-in modules only: `root` (else `$AUGEAS_ROOT`, else `/`).
/// [`open_with`] also reads `.aug` modules from a load path.
pub fn open(root: Option<&Path>, flags: Flags) -> Augeas {
    Augeas::open(root, flags, builtin_modules())
}

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
/// [`aug_core::lang::autoload_modules_cached`]): `$AUG_RS_CACHE_DIR` if set (set and
/// empty: no cache), else `$XDG_CACHE_HOME/aug-rs`, else `$HOME/.cache/aug-rs`.
pub fn cache_dir() -> Option<PathBuf> {
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

/// The built-in modules, then every module of [`search_path`] that declares `autoload`
/// (with [`Flags::NO_MODL_AUTOLOAD`]: every module, found by name, see
/// [`aug_core::lang::lens_modules`]) and is not built in (names compare case-insensitively, so the built-in `Hosts` wins
/// over `hosts.aug`). The loaded modules' lenses are built only when first needed; a
/// module that fails to load is kept with its error (see
/// [`aug_core::lang::autoload_modules`]). What the scan for `autoload` finds is cached
/// in [`cache_dir`].
pub fn modules_with(loadpath: &[PathBuf], flags: Flags) -> Vec<aug_core::Module> {
    let mut modules = builtin_modules();
    let options = aug_core::lang::Options {
        typecheck: flags.contains(Flags::TYPE_CHECK),
        strict: false,
    };
    let dirs = search_path(loadpath, flags);
    // Without autoload, no transform is needed up front: the modules only have to be
    // found by name (`transform Fstab incl …`), which needs no file to be read.
    let loaded = if flags.contains(Flags::NO_MODL_AUTOLOAD) {
        aug_core::lang::lens_modules(&dirs, options)
    } else {
        aug_core::lang::autoload_modules_cached(&dirs, options, cache_dir().as_deref())
    };
    for m in loaded {
        if !modules.iter().any(|b| b.name.eq_ignore_ascii_case(&m.name)) {
            modules.push(m);
        }
    }
    modules
}

/// Opens a handle like Augeas's `aug_init(root, loadpath, flags)`: the built-in modules
/// plus the `.aug` modules found on `loadpath`, `$AUGEAS_LENS_LIB` and (unless
/// [`Flags::NO_STDINC`]) the standard directories; see [`modules_with`].
///
/// ```no_run
/// use aug_core::Flags;
/// let aug = lenses::open_with(None, Flags::NONE, &["/usr/share/augeas/lenses/dist".into()]);
/// println!("{:?}", aug.get("/files/etc/fstab/1/file"));
/// ```
pub fn open_with(root: Option<&Path>, flags: Flags, loadpath: &[PathBuf]) -> Augeas {
    let mut aug = Augeas::open(root, flags, modules_with(loadpath, flags));
    aug.set_loadpath(
        search_path(loadpath, flags)
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect(),
    );
    aug
}

/// Every module of this crate.
pub fn modules() -> &'static [Module] {
    &MODULES
}

/// The module called `name` (e.g. `"Hosts"`), if there is one.
pub fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_excl_ends_with_stdexcl() {
        assert!(CRON_EXCL.ends_with(STDEXCL));
    }

    #[test]
    fn every_lens_builds_and_typechecks() {
        for m in modules() {
            let l = (m.lens)();
            assert!(l.is_ok(), "{}: {:?}", m.name, l.err());
            if let Ok(l) = l {
                assert!(l.typecheck().is_ok(), "{}: {:?}", m.name, l.typecheck());
                // Augeas's full typechecker: no ambiguous concatenation or iteration, no
                // overlapping union (as `augparse --typecheck` on the stock lenses).
                let full = l.typecheck_full();
                assert!(
                    full.is_ok(),
                    "{}: {}",
                    m.name,
                    full.err().map(|e| e.to_string()).unwrap_or_default()
                );
            }
        }
    }
}
