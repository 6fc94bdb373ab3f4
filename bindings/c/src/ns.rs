//! The nodes of a node-set variable by position: `aug_ns_attr`, `aug_ns_label`,
//! `aug_ns_value`, `aug_ns_count`, `aug_ns_path`.

use crate::ffi::{guard, malloc_string, put, text, to_int, uncoded};
use crate::handle::Handle;
use aug_core::{Error, ErrorCode, NodeId};
use std::ffi::{c_char, c_int};

/// The position `i` and the `i`-th node of `$var`; a negative `i` is no node, as in
/// Augeas.
fn node(h: &Handle, var: &str, i: c_int) -> Result<(usize, NodeId), Error> {
    let at = usize::try_from(i).map_err(|_| {
        Error::new(
            ErrorCode::NoMatch,
            None,
            Some(format!("Node {var}[{i}] does not exist")),
        )
    })?;
    Ok((at, h.aug.ns_node(var, at)?))
}

/// `aug_ns_attr`: the value, label and file node (malloc'ed) of the `i`-th node
/// (0-based) of `$var`. Returns 1, or -1.
///
/// # Safety
/// `aug` is a live handle or null; `var` is a C string; each output is null or writable.
pub unsafe extern "C" fn aug_ns_attr(
    aug: *const Handle,
    var: *const c_char,
    i: c_int,
    value: *mut *const c_char,
    label: *mut *const c_char,
    file_path: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        put(value, std::ptr::null());
        put(label, std::ptr::null());
        put(file_path, std::ptr::null_mut());
        guard(aug, -1, |h| {
            let var = text(var, "aug_ns_attr", "VAR")?;
            let (at, n) = node(h, &var, i)?;
            if !file_path.is_null() {
                let attr = h.aug.ns_attr(&var, at)?;
                if let Some(f) = attr.file {
                    put(file_path, malloc_string(&f)?);
                }
            }
            put(value, h.lend_value(n));
            put(label, h.lend_label(n));
            Ok(1)
        })
    }
}

/// `aug_ns_label`: the label of the `i`-th node of `$var`, and in `*index` its position
/// among its siblings of the same label (0 when it is the only one). Returns 1, or -1.
///
/// # Safety
/// `aug` is a live handle or null; `var` is a C string; each output is null or writable.
pub unsafe extern "C" fn aug_ns_label(
    aug: *const Handle,
    var: *const c_char,
    i: c_int,
    label: *mut *const c_char,
    index: *mut c_int,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        put(label, std::ptr::null());
        put(index, -1);
        guard(aug, -1, |h| {
            let var = text(var, "aug_ns_label", "VAR")?;
            let (at, n) = node(h, &var, i)?;
            let (_, same) = h.aug.ns_label(&var, at)?;
            put(label, h.lend_label(n));
            put(index, to_int(same));
            Ok(1)
        })
    }
}

/// `aug_ns_value`: the value of the `i`-th node of `$var`. Returns 1, or -1.
///
/// # Safety
/// `aug` is a live handle or null; `var` is a C string; `value` is null or writable.
pub unsafe extern "C" fn aug_ns_value(
    aug: *const Handle,
    var: *const c_char,
    i: c_int,
    value: *mut *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        put(value, std::ptr::null());
        guard(aug, -1, |h| {
            let var = text(var, "aug_ns_value", "VAR")?;
            let (_, n) = node(h, &var, i)?;
            put(value, h.lend_value(n));
            Ok(1)
        })
    }
}

/// `aug_ns_count`: how many nodes `$var` holds, or -1.
///
/// # Safety
/// `aug` is a live handle or null; `var` is a C string.
pub unsafe extern "C" fn aug_ns_count(aug: *const Handle, var: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let var = text(var, "aug_ns_count", "VAR")?;
            // A variable that is not a node set counts -1, without an error code, as in
            // Augeas.
            Ok(to_int(h.aug.ns_count(&var).map_err(uncoded)?))
        })
    }
}

/// `aug_ns_path`: the path of the `i`-th node of `$var`, in `*path` (malloc'ed).
/// Returns 0 (unlike the other `aug_ns_*` calls, as in Augeas), or -1.
///
/// # Safety
/// `aug` is a live handle or null; `var` is a C string; `path` is null or writable.
pub unsafe extern "C" fn aug_ns_path(
    aug: *const Handle,
    var: *const c_char,
    i: c_int,
    path: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        put(path, std::ptr::null_mut());
        guard(aug, -1, |h| {
            let var = text(var, "aug_ns_path", "VAR")?;
            let (at, _) = node(h, &var, i)?;
            if let Some(p) = h.aug.ns_path(&var, at)?
                && !path.is_null()
            {
                put(path, malloc_string(&p)?);
            }
            Ok(0)
        })
    }
}
