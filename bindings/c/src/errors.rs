//! The error of the last call: `aug_error`, `aug_error_message`,
//! `aug_error_minor_message`, `aug_error_details`.

use crate::ffi::no_panic;
use crate::handle::Handle;
use aug_core::ErrorCode;
use std::ffi::{CStr, c_char, c_int};

/// Augeas's message for `code` (`aug_error_message`), as a static C string.
pub(crate) fn message(code: ErrorCode) -> &'static CStr {
    match code {
        ErrorCode::NoError => c"No error",
        ErrorCode::NoMem => c"Cannot allocate memory",
        ErrorCode::PathX => c"Invalid path expression",
        ErrorCode::NoMatch => c"No match for path expression",
        ErrorCode::MMatch => c"Too many matches for path expression",
        ErrorCode::Syntax => c"Syntax error in lens definition",
        ErrorCode::NoLens => c"Lens not found",
        ErrorCode::MXfm => c"Multiple transforms",
        ErrorCode::NoSpan => c"Node has no span info",
        ErrorCode::MvDesc => c"Cannot move node into its descendant",
        ErrorCode::CmdRun => c"Failed to execute command",
        ErrorCode::BadArg => c"Invalid argument in function call",
        ErrorCode::Label => c"Invalid label",
        ErrorCode::CpDesc => c"Cannot copy node into its descendant",
        ErrorCode::FileAccess => c"Cannot access file",
        // EINTERNAL, and any code a later aug-core adds, as Augeas reports unknown codes.
        _ => c"Internal error (please file a bug)",
    }
}

/// The handle behind `aug`, if any.
///
/// # Safety
/// `aug` is null or a live handle.
unsafe fn handle<'a>(aug: *const Handle) -> Option<&'a Handle> {
    // SAFETY: as the caller promises.
    unsafe { aug.as_ref() }
}

/// `aug_error`: the code of the last call's error (`AUG_NOERROR` when it succeeded).
/// A null handle gives `AUG_EBADARG`.
///
/// # Safety
/// `aug` is null or a live handle.
pub unsafe extern "C" fn aug_error(aug: *const Handle) -> c_int {
    // SAFETY: as the caller promises.
    let h = unsafe { handle(aug) };
    no_panic(ErrorCode::Internal as c_int, || {
        h.map_or(ErrorCode::BadArg, Handle::code) as c_int
    })
}

/// `aug_error_message`: a message for that code, owned by the library.
///
/// # Safety
/// `aug` is null or a live handle.
pub unsafe extern "C" fn aug_error_message(aug: *const Handle) -> *const c_char {
    // SAFETY: as the caller promises.
    let h = unsafe { handle(aug) };
    no_panic(std::ptr::null(), || {
        message(h.map_or(ErrorCode::BadArg, Handle::code)).as_ptr()
    })
}

/// `aug_error_minor_message`: a more specific message, or null; owned by the handle and
/// valid until its next call.
///
/// # Safety
/// `aug` is null or a live handle.
pub unsafe extern "C" fn aug_error_minor_message(aug: *const Handle) -> *const c_char {
    // SAFETY: as the caller promises.
    let h = unsafe { handle(aug) };
    no_panic(std::ptr::null(), || {
        h.map_or(std::ptr::null(), Handle::minor)
    })
}

/// `aug_error_details`: details (often the path expression, with `|=|` where parsing
/// stopped), or null; owned by the handle and valid until its next call.
///
/// # Safety
/// `aug` is null or a live handle.
pub unsafe extern "C" fn aug_error_details(aug: *const Handle) -> *const c_char {
    // SAFETY: as the caller promises.
    let h = unsafe { handle(aug) };
    no_panic(std::ptr::null(), || {
        h.map_or(std::ptr::null(), Handle::details)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_aug_cores() {
        for code in [
            ErrorCode::NoError,
            ErrorCode::NoMem,
            ErrorCode::Internal,
            ErrorCode::PathX,
            ErrorCode::NoMatch,
            ErrorCode::MMatch,
            ErrorCode::Syntax,
            ErrorCode::NoLens,
            ErrorCode::MXfm,
            ErrorCode::NoSpan,
            ErrorCode::MvDesc,
            ErrorCode::CmdRun,
            ErrorCode::BadArg,
            ErrorCode::Label,
            ErrorCode::CpDesc,
            ErrorCode::FileAccess,
        ] {
            assert_eq!(message(code).to_str().unwrap(), code.message());
        }
    }
}
