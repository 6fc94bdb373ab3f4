//! `aug_to_xml`: the tree as libxml2 nodes.

use crate::ffi::{bad_arg, guard, put};
use crate::handle::Handle;
use aug_core::{Error, ErrorCode};
use std::ffi::{c_char, c_int, c_uint, c_void};

/// `aug_to_xml`: not available yet; fails with `EINTERNAL`.
///
/// # Safety
/// `aug` is a live handle or null; `xmltree` is null or writable.
pub unsafe extern "C" fn aug_to_xml(
    aug: *const Handle,
    _path: *const c_char,
    xmltree: *mut *mut c_void,
    flags: c_uint,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |_| {
            if flags != 0 {
                return Err(bad_arg("aug_to_xml: FLAGS must be 0"));
            }
            if xmltree.is_null() {
                return Err(bad_arg("aug_to_xml: XMLDOC must be non-NULL"));
            }
            put(xmltree, std::ptr::null_mut());
            Err(Error::new(
                ErrorCode::Internal,
                Some("aug_to_xml is not implemented".to_owned()),
                None,
            ))
        })
    }
}
