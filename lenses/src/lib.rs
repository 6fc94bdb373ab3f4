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

/// The built-in modules as aug-core's handle takes them. A module whose lens fails to
/// build (a programming error, caught by this crate's tests) is left out.
pub fn builtin_modules() -> Vec<aug_core::Module> {
    modules()
        .iter()
        .filter_map(|m| {
            Some(aug_core::Module {
                name: m.name.to_owned(),
                lens: (m.lens)().ok()?,
                incl: m.incl.iter().map(|s| (*s).to_owned()).collect(),
                excl: m.excl.iter().map(|s| (*s).to_owned()).collect(),
            })
        })
        .collect()
}

/// Opens a handle with the built-in modules: `root` (else `$AUGEAS_ROOT`, else `/`).
pub fn open(root: Option<&std::path::Path>, flags: aug_core::Flags) -> aug_core::Augeas {
    aug_core::Augeas::open(root, flags, builtin_modules())
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
