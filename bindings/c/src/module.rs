//! `__aug_load_module_file`, the entry point Augeas exports for its `augparse`: load a
//! `.aug` module and run its tests.

use crate::ffi::{guard, text};
use crate::handle::Handle;
use aug_core::lang::{Interpreter, Options};
use aug_core::{Error, ErrorCode, Flags};
use std::ffi::{c_char, c_int};
use std::io::Write;
use std::path::PathBuf;

/// `__aug_load_module_file`: loads the module in `filename` (other modules are found in
/// its directory, then on the handle's load path) and runs its tests, writing their
/// reports to standard output (in augparse-rs's words). 0, or -1 when the module does not
/// load (the reason on standard error) or a test fails: `ESYNTAX` with the details
/// `Failed to load FILE`, as in Augeas.
///
/// # Safety
/// `aug` is a live handle or null; `filename` is a C string.
pub unsafe extern "C" fn __aug_load_module_file(
    aug: *mut Handle,
    filename: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let file = PathBuf::from(&*text(filename, "__aug_load_module_file", "FILENAME")?);
            let mut dirs: Vec<PathBuf> = file.parent().map(PathBuf::from).into_iter().collect();
            dirs.extend(h.aug.loadpath().iter().map(PathBuf::from));
            let options = Options {
                typecheck: h.flags.contains(Flags::TYPE_CHECK),
                ..Options::default()
            };
            let failed = || {
                Error::new(
                    ErrorCode::Syntax,
                    None,
                    Some(format!("Failed to load {}", file.display())),
                )
            };
            let report = match Interpreter::new(dirs, options).run_file(&file) {
                Ok(r) => r,
                Err(e) => {
                    // The reason goes to standard error, as Augeas reports it there.
                    let _ = writeln!(std::io::stderr(), "{e}");
                    return Err(failed());
                }
            };
            let mut out = std::io::stdout().lock();
            // Standard output going away is no reason to report the tests differently.
            let _ = out.write_all(&aug_core::text::encode(&report.output));
            let _ = out.flush();
            if report.failed > 0 {
                return Err(failed());
            }
            Ok(0)
        })
    }
}
