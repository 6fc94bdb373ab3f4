//! Opening and closing a handle: `aug_init` (root, load path and flags as Augeas reads
//! them, `$AUGEAS_ROOT` and `$AUGEAS_LENS_LIB` included) and `aug_close`.

use crate::ffi::no_panic;
use crate::handle::Handle;
use aug_core::Flags;
use std::ffi::{CStr, OsStr, c_char, c_uint};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// The bytes of the C string `p`, or `None` for null (paths are bytes, as in Augeas).
///
/// # Safety
/// `p` is null or a NUL-terminated string.
unsafe fn bytes<'a>(p: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: as the caller promises.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// The root as Augeas picks it: the argument, else `$AUGEAS_ROOT`; an empty string (as
/// argument, or in the variable) is `/`.
fn root_of(arg: Option<&[u8]>) -> PathBuf {
    let root = match arg {
        Some(r) => PathBuf::from(OsStr::from_bytes(r)),
        None => std::env::var_os("AUGEAS_ROOT")
            .map(PathBuf::from)
            .unwrap_or_default(),
    };
    if root.as_os_str().is_empty() {
        PathBuf::from("/")
    } else {
        root
    }
}

/// `aug_init`: opens a handle on `root` with the modules of `loadpath` (colon-separated),
/// `$AUGEAS_LENS_LIB` and, unless `AUG_NO_STDINC`, the standard directories, and loads
/// the files unless `AUG_NO_LOAD`. Returns null only if aug-rs fails internally; a
/// module that does not load is recorded under `/augeas/load/NAME/error` instead.
///
/// # Safety
/// `root` and `loadpath` are null or C strings.
pub unsafe extern "C" fn aug_init(
    root: *const c_char,
    loadpath: *const c_char,
    flags: c_uint,
) -> *mut Handle {
    no_panic(std::ptr::null_mut(), || {
        // SAFETY: the caller's strings, as documented.
        let (root, loadpath) = unsafe { (bytes(root), bytes(loadpath)) };
        let root = root_of(root);
        let dirs: Vec<PathBuf> = loadpath
            .unwrap_or_default()
            .split(|&b| b == b':')
            .filter(|d| !d.is_empty())
            .map(|d| PathBuf::from(OsStr::from_bytes(d)))
            .collect();
        let flags = Flags::from_bits(flags);
        // Without autoload, Augeas loads no module at start-up, so it has none to
        // typecheck then; aug-core would typecheck every module of the load path (minutes
        // for the stock ones), so the flag only reaches the modules augparse's
        // `__aug_load_module_file` loads (see `module`).
        let open_flags = if flags.contains(Flags::NO_MODL_AUTOLOAD) {
            Flags::from_bits(flags.bits() & !Flags::TYPE_CHECK.bits())
        } else {
            flags
        };
        let aug = aug_lenses::open_with(Some(&root), open_flags, &dirs);
        Box::into_raw(Box::new(Handle::new(aug, flags)))
    })
}

/// `aug_close`: closes the handle and frees all it holds; null is allowed.
///
/// # Safety
/// `aug` is null or a handle from `aug_init`, not used again afterwards.
pub unsafe extern "C" fn aug_close(aug: *mut Handle) {
    if aug.is_null() {
        return;
    }
    no_panic((), || {
        // SAFETY: a handle from `aug_init` (a Box), given up by the caller.
        drop(unsafe { Box::from_raw(aug) });
    });
}
