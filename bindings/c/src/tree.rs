//! The calls that read and edit the tree: `aug_get`, `aug_label`, `aug_set`, `aug_setm`,
//! `aug_insert`, `aug_rm`, `aug_mv`, `aug_cp`, `aug_rename`, `aug_match`, `aug_defvar`,
//! `aug_defnode`, `aug_escape_name`, and aug-rs's `aug_clear`, `aug_clearm`, `aug_touch`.

use crate::ffi::{bad_arg, guard, malloc_string, no_mem, opt_text, put, text, to_int};
use crate::handle::Handle;
use aug_core::{Augeas, Error, ErrorCode, NodeId, Position, ops};
use std::ffi::{c_char, c_int};

/// The one node `path` matches (`None` for none; several are `EMMATCH`). `/` alone is
/// the root of the tree, as in Augeas.
fn one_node(h: &Handle, path: &str) -> Result<Option<NodeId>, Error> {
    let aug = &h.aug;
    if path == "/" {
        return Ok(Some(aug.tree().root()));
    }
    Ok(ops::get_node(aug.tree(), aug.vars(), aug.context(), path)?)
}

/// `e` without details when it is `ENOMATCH` or `EMMATCH` for a path: Augeas's
/// `aug_set`, `aug_insert`, `aug_mv` and `aug_cp` report those with no details.
fn bare(e: Error) -> Error {
    match e.code {
        ErrorCode::NoMatch | ErrorCode::MMatch if e.minor.is_none() => {
            Error::new(e.code, None, None)
        }
        _ => e,
    }
}

/// `aug_get`: the value of the single node `path` matches. Returns 1 (one match), 0 (none)
/// or -1 (several, or an error); `*value` is the value or null, owned by the handle.
///
/// # Safety
/// `aug` is a live handle or null, `path` a C string, `value` null or writable.
pub unsafe extern "C" fn aug_get(
    aug: *const Handle,
    path: *const c_char,
    value: *mut *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe { put(value, std::ptr::null()) };
    // SAFETY: as above.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_get", "PATH")?;
            let Some(node) = one_node(h, &path)? else {
                return Ok(0);
            };
            put(value, h.lend_value(node));
            Ok(1)
        })
    }
}

/// `aug_label`: the label of the single node `path` matches; returns as [`aug_get`].
///
/// # Safety
/// As [`aug_get`].
pub unsafe extern "C" fn aug_label(
    aug: *const Handle,
    path: *const c_char,
    label: *mut *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe { put(label, std::ptr::null()) };
    // SAFETY: as above.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_label", "PATH")?;
            let Some(node) = one_node(h, &path)? else {
                return Ok(0);
            };
            put(label, h.lend_label(node));
            Ok(1)
        })
    }
}

/// `aug_set`: sets the value of the node `path` matches (creating it). 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` and `value` are C strings (`value` may be null).
pub unsafe extern "C" fn aug_set(
    aug: *mut Handle,
    path: *const c_char,
    value: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_set", "PATH")?;
            let value = opt_text(value);
            h.aug.set(&path, value.as_deref()).map_err(bare)?;
            Ok(0)
        })
    }
}

/// `aug_setm`: sets `sub` (null: the node itself) under each node `base` matches to
/// `value`. Returns the number of nodes changed, or -1.
///
/// # Safety
/// `aug` is a live handle or null; the strings are C strings (`sub` and `value` may be
/// null).
pub unsafe extern "C" fn aug_setm(
    aug: *mut Handle,
    base: *const c_char,
    sub: *const c_char,
    value: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let base = text(base, "aug_setm", "BASE")?;
            let sub = opt_text(sub);
            let value = opt_text(value);
            Ok(to_int(h.aug.setm(
                &base,
                sub.as_deref(),
                value.as_deref(),
            )?))
        })
    }
}

/// `aug_clear` (aug-rs): sets the node `path` matches to no value, creating it. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` is a C string.
pub unsafe extern "C" fn aug_clear(aug: *mut Handle, path: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_clear", "PATH")?;
            h.aug.clear(&path)?;
            Ok(0)
        })
    }
}

/// `aug_clearm` (aug-rs): [`aug_setm`] with no value. Returns the number of nodes changed.
///
/// # Safety
/// `aug` is a live handle or null; `base` and `sub` are C strings (`sub` may be null,
/// for the nodes `base` matches themselves).
pub unsafe extern "C" fn aug_clearm(
    aug: *mut Handle,
    base: *const c_char,
    sub: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let base = text(base, "aug_clearm", "BASE")?;
            let sub = opt_text(sub);
            Ok(to_int(h.aug.setm(&base, sub.as_deref(), None)?))
        })
    }
}

/// `aug_touch` (aug-rs): creates the node `path` when nothing matches it. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` is a C string.
pub unsafe extern "C" fn aug_touch(aug: *mut Handle, path: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_touch", "PATH")?;
            h.aug.touch(&path)?;
            Ok(0)
        })
    }
}

/// `aug_insert`: a new node `label` before (`before != 0`) or after the node `path`
/// matches. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` and `label` are C strings.
pub unsafe extern "C" fn aug_insert(
    aug: *mut Handle,
    path: *const c_char,
    label: *const c_char,
    before: c_int,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_insert", "PATH")?;
            let label = text(label, "aug_insert", "LABEL")?;
            let position = if before != 0 {
                Position::Before
            } else {
                Position::After
            };
            h.aug.insert(&path, &label, position).map_err(bare)?;
            Ok(0)
        })
    }
}

/// `aug_rm`: removes the nodes `path` matches; returns how many nodes went (descendants
/// included), or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` is a C string.
pub unsafe extern "C" fn aug_rm(aug: *mut Handle, path: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_rm", "PATH")?;
            Ok(to_int(h.aug.rm(&path)?))
        })
    }
}

/// `aug_mv`: moves `src` to `dst`. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `src` and `dst` are C strings.
pub unsafe extern "C" fn aug_mv(aug: *mut Handle, src: *const c_char, dst: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let src = text(src, "aug_mv", "SRC")?;
            let dst = text(dst, "aug_mv", "DST")?;
            h.aug.mv(&src, &dst).map_err(bare)?;
            Ok(0)
        })
    }
}

/// `aug_cp`: copies `src` to `dst`. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `src` and `dst` are C strings.
pub unsafe extern "C" fn aug_cp(aug: *mut Handle, src: *const c_char, dst: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let src = text(src, "aug_cp", "SRC")?;
            let dst = text(dst, "aug_cp", "DST")?;
            h.aug.cp(&src, &dst).map_err(bare)?;
            Ok(0)
        })
    }
}

/// `aug_rename`: relabels the nodes `src` matches to `lbl`; returns how many, or -1.
///
/// # Safety
/// `aug` is a live handle or null; `src` and `lbl` are C strings.
pub unsafe extern "C" fn aug_rename(
    aug: *mut Handle,
    src: *const c_char,
    lbl: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let src = text(src, "aug_rename", "SRC")?;
            let lbl = text(lbl, "aug_rename", "LBL")?;
            Ok(to_int(h.aug.rename(&src, &lbl)?))
        })
    }
}

/// Frees an array from [`malloc_array`] and its strings.
///
/// # Safety
/// `array` holds `n` strings from malloc and came from malloc itself.
unsafe fn free_array(array: *mut *mut c_char, n: usize) {
    for i in 0..n {
        // SAFETY: each of the `n` entries is a malloc'ed string.
        unsafe { libc::free((*array.add(i)).cast()) };
    }
    // SAFETY: the array came from malloc.
    unsafe { libc::free(array.cast()) };
}

/// A malloc'ed array of malloc'ed copies of `items`; null when `items` is empty (as
/// Augeas's allocation of zero entries gives).
fn malloc_array(items: &[String]) -> Result<*mut *mut c_char, Error> {
    if items.is_empty() {
        return Ok(std::ptr::null_mut());
    }
    let size = std::mem::size_of::<*mut c_char>() * items.len();
    // SAFETY: malloc has no preconditions; the result is checked for null.
    let array = unsafe { libc::malloc(size) }.cast::<*mut c_char>();
    if array.is_null() {
        return Err(no_mem());
    }
    for (i, s) in items.iter().enumerate() {
        match malloc_string(s) {
            // SAFETY: `array` has room for `items.len()` pointers.
            Ok(p) => unsafe { array.add(i).write(p) },
            Err(e) => {
                // SAFETY: the first `i` entries are filled.
                unsafe { free_array(array, i) };
                return Err(e);
            }
        }
    }
    Ok(array)
}

/// `aug_match`: the paths of the nodes `path` matches. With `matches` not null,
/// `*matches` is a malloc'ed array of malloc'ed paths (null when there are none), the
/// caller's to free. Returns the number of matches, or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` is a C string; `matches` is null or writable.
pub unsafe extern "C" fn aug_match(
    aug: *const Handle,
    path: *const c_char,
    matches: *mut *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe { put(matches, std::ptr::null_mut()) };
    // SAFETY: as above.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_match", "PATH")?;
            // As in Augeas, "/" means the top-level nodes.
            let path = if path == "/" { "/*" } else { &path };
            let paths = h.aug.matches(path)?;
            if !matches.is_null() {
                put(matches, malloc_array(&paths)?);
            }
            Ok(to_int(paths.len()))
        })
    }
}

/// `aug_defvar`: defines `$name` as `expr` (null removes it). Returns the number of
/// nodes for a node set, 0 for another value, -1 on error.
///
/// # Safety
/// `aug` is a live handle or null; `name` and `expr` are C strings (`expr` may be null).
pub unsafe extern "C" fn aug_defvar(
    aug: *mut Handle,
    name: *const c_char,
    expr: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let name = text(name, "aug_defvar", "NAME")?;
            let expr = opt_text(expr);
            Ok(to_int(h.aug.defvar(&name, expr.as_deref())?))
        })
    }
}

/// `aug_defnode`: defines `$name` as the nodes `expr` matches, creating one with `value`
/// when there is none (`*created` says whether). Returns the number of nodes, or -1.
///
/// # Safety
/// `aug` is a live handle or null; the strings are C strings (`value` may be null);
/// `created` is null or writable.
pub unsafe extern "C" fn aug_defnode(
    aug: *mut Handle,
    name: *const c_char,
    expr: *const c_char,
    value: *const c_char,
    created: *mut c_int,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let name = text(name, "aug_defnode", "NAME")?;
            let expr = text(expr, "aug_defnode", "EXPR")?;
            let value = opt_text(value);
            let (n, made) = h.aug.defnode(&name, &expr, value.as_deref())?;
            put(created, c_int::from(made));
            Ok(to_int(n))
        })
    }
}

/// `aug_escape_name`: `in` escaped for use as a path step, in `*out` (malloc'ed), or null
/// when it needs no escaping. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `input` is a C string; `out` is writable.
pub unsafe extern "C" fn aug_escape_name(
    aug: *mut Handle,
    input: *const c_char,
    out: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |_| {
            let input = text(input, "aug_escape_name", "IN")?;
            if out.is_null() {
                return Err(bad_arg("aug_escape_name: OUT must not be NULL"));
            }
            let escaped = Augeas::escape_name(&input);
            let p = if escaped == input {
                std::ptr::null_mut()
            } else {
                malloc_string(&escaped)?
            };
            put(out, p);
            Ok(0)
        })
    }
}
