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

/// One built-in lens, as a module of Augeas: its name, its lens, and the files it loads.
/// (The handle takes it as an [`aug_core::Module`]: see [`builtin_modules`].)
#[derive(Debug)]
pub struct BuiltinLens {
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

static BUILTIN: [BuiltinLens; 4] = [
    BuiltinLens {
        name: "Hosts",
        lens: hosts::lens,
        incl: &["/etc/hosts"],
        excl: &[],
    },
    BuiltinLens {
        name: "Passwd",
        lens: passwd::lens,
        incl: &["/etc/passwd"],
        excl: &[],
    },
    BuiltinLens {
        name: "Cron",
        lens: cron::lens,
        incl: &["/etc/cron.d/*", "/etc/crontab", "/etc/crontabs/*"],
        excl: CRON_EXCL,
    },
    BuiltinLens {
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
    builtin_lenses()
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

/// Opens a handle like Augeas's `aug_init(root, loadpath, flags)`: the built-in modules
/// plus the `.aug` modules found on `loadpath`, `$AUGEAS_LENS_LIB` and (unless
/// [`Flags::NO_STDINC`]) the standard directories. Shorthand for
/// [`Augeas::builder`] with [`builtin_modules`].
///
/// ```no_run
/// use aug_core::Flags;
/// let aug = aug_lenses::open_with(None, Flags::NONE, &["/usr/share/augeas/lenses/dist".into()]);
/// println!("{:?}", aug.get("/files/etc/fstab/1/file"));
/// ```
pub fn open_with(root: Option<&Path>, flags: Flags, loadpath: &[PathBuf]) -> Augeas {
    let mut builder = Augeas::builder()
        .flags(flags)
        .loadpath(loadpath.iter().cloned())
        .modules(builtin_modules());
    if let Some(root) = root {
        builder = builder.root(root);
    }
    builder.open()
}

/// Every built-in lens.
pub fn builtin_lenses() -> &'static [BuiltinLens] {
    &BUILTIN
}

/// The built-in lens of the module called `name` (e.g. `"Hosts"`), if there is one.
pub fn builtin_lens(name: &str) -> Option<&'static BuiltinLens> {
    BUILTIN.iter().find(|m| m.name == name)
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
        for m in builtin_lenses() {
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
