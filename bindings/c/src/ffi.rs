//! The crossing between C and Rust: C strings in (bytes, decoded losslessly as aug-core
//! keeps files that are not UTF-8), strings out (in per-handle storage, or malloc'ed for
//! the caller to free), and the guard every exported function runs its body in (null
//! handle, error reset, panics caught).

use crate::handle::Handle;
use aug_core::{Error, ErrorCode};
use std::borrow::Cow;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// An `EBADARG` error, as Augeas's argument checks report it.
pub(crate) fn bad_arg(details: impl Into<String>) -> Error {
    Error::new(ErrorCode::BadArg, None, Some(details.into()))
}

/// `e` as a failure without an error code: the call returns its failure value and
/// `aug_error` says `AUG_NOERROR`, as Augeas does when a save or a preview fails to write
/// a file (the reason is under `/augeas/files/FILE/error`).
pub(crate) fn uncoded(e: Error) -> Error {
    Error::new(ErrorCode::NoError, e.minor, e.details)
}

/// `e`, with its details replaced by `details` when its code is `code` (Augeas words the
/// details of some calls' errors differently from aug-core's own).
pub(crate) fn reword(e: Error, code: ErrorCode, details: impl FnOnce() -> String) -> Error {
    if e.code == code {
        Error::new(e.code, e.minor, Some(details()))
    } else {
        e
    }
}

/// An `ENOMEM` error (malloc failed).
pub(crate) fn no_mem() -> Error {
    Error::new(ErrorCode::NoMem, None, None)
}

/// The text of the C string `p`, or `None` for a null pointer.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string that outlives the result.
pub(crate) unsafe fn opt_text<'a>(p: *const c_char) -> Option<Cow<'a, str>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller promises a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    Some(aug_core::text::decode(bytes))
}

/// The text of the C string `p`; a null pointer is an `EBADARG` error naming `func` and
/// the argument `what`.
///
/// # Safety
/// As [`opt_text`].
pub(crate) unsafe fn text<'a>(
    p: *const c_char,
    func: &str,
    what: &str,
) -> Result<Cow<'a, str>, Error> {
    // SAFETY: passed on from the caller.
    unsafe { opt_text(p) }.ok_or_else(|| bad_arg(format!("{func}: {what} must not be NULL")))
}

/// The bytes C sees for `s`: stand-in characters as the bytes they stand for, cut at the
/// first NUL (a C string ends there).
pub(crate) fn c_bytes(s: &str) -> Cow<'_, [u8]> {
    let bytes = aug_core::text::encode(s);
    match bytes.iter().position(|&b| b == 0) {
        None => bytes,
        Some(end) => Cow::Owned(bytes.get(..end).unwrap_or_default().to_vec()),
    }
}

/// `s` as a `CString` (see [`c_bytes`]).
pub(crate) fn c_string(s: &str) -> CString {
    // `c_bytes` holds no NUL, so this never falls back.
    CString::new(c_bytes(s).into_owned()).unwrap_or_default()
}

/// A copy of `s` in memory from malloc(3), for the caller to free(3).
pub(crate) fn malloc_string(s: &str) -> Result<*mut c_char, Error> {
    let bytes = c_bytes(s);
    // SAFETY: malloc has no preconditions; the result is checked for null.
    let p = unsafe { libc::malloc(bytes.len() + 1) }.cast::<u8>();
    if p.is_null() {
        return Err(no_mem());
    }
    // SAFETY: `p` has room for the bytes and the NUL; the regions do not overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
        *p.add(bytes.len()) = 0;
    }
    Ok(p.cast())
}

/// Stores `value` through `out` when `out` is not null.
///
/// # Safety
/// `out` is null or valid for writes.
pub(crate) unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: the caller promises `out` is valid for writes.
        unsafe { out.write(value) };
    }
}

/// The message of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

/// Runs the body of an exported function on the handle `aug`: returns `fail` for a null
/// handle, resets the handle's error (as each Augeas call does on entry), runs `body` with
/// panics caught, and turns an error or a panic into the handle's error and `fail`.
///
/// # Safety
/// `aug` is null or a handle from `aug_init` that has not been closed, used by no other
/// thread during the call.
pub(crate) unsafe fn guard<T>(
    aug: *const Handle,
    fail: T,
    body: impl FnOnce(&mut Handle) -> Result<T, Error>,
) -> T {
    // SAFETY: the caller promises a live handle or null. C declares some calls with a
    // `const augeas *`; the handle's lent strings change behind it, as C's would.
    let Some(h) = (unsafe { aug.cast_mut().as_mut() }) else {
        return fail;
    };
    h.clear_error();
    match catch_unwind(AssertUnwindSafe(|| body(&mut *h))) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            h.set_error(e);
            fail
        }
        Err(payload) => {
            h.set_error(Error::new(
                ErrorCode::Internal,
                Some("aug-rs panicked".to_owned()),
                Some(panic_message(payload.as_ref())),
            ));
            fail
        }
    }
}

/// Runs `body` with panics caught, for the calls that have no handle: a panic gives
/// `fail`.
pub(crate) fn no_panic<T>(fail: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fail)
}

/// An `int` for a count (saturated at `INT_MAX`).
pub(crate) fn to_int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_bytes_gives_raw_bytes_back_and_stops_at_nul() {
        let latin1 = aug_core::text::decode(b"caf\xe9");
        assert_eq!(&*c_bytes(&latin1), b"caf\xe9");
        assert_eq!(&*c_bytes("a\0b"), b"a");
        assert_eq!(c_string("x\0y").as_bytes(), b"x");
    }

    #[test]
    fn malloc_string_is_nul_terminated() {
        let p = malloc_string("hello").unwrap();
        // SAFETY: `p` is a fresh NUL-terminated string from malloc.
        let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned();
        // SAFETY: `p` came from malloc and is freed once.
        unsafe { libc::free(p.cast()) };
        assert_eq!(s, "hello");
    }
}
