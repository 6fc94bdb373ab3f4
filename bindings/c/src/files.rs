//! The calls about files: `aug_load`, `aug_save`, `aug_load_file`, `aug_transform`,
//! `aug_text_store`, `aug_text_retrieve`, `aug_source`, `aug_preview`, `aug_span`.

use crate::ffi::{bad_arg, guard, malloc_string, put, reword, text, uncoded};
use crate::handle::Handle;
use aug_core::{ErrorCode, Filter};
use std::ffi::{c_char, c_int, c_uint};

/// `aug_load`: loads (again) the files of the transforms under `/augeas/load`. Failures
/// of single files are recorded under `/augeas/files`, not errors. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null.
pub unsafe extern "C" fn aug_load(aug: *mut Handle) -> c_int {
    // SAFETY: the caller's handle.
    unsafe {
        guard(aug, -1, |h| {
            h.aug.load()?;
            Ok(0)
        })
    }
}

/// `aug_save`: writes the files whose trees changed. 0, or -1 when a file failed (the
/// reason is under `/augeas/files/FILE/error`).
///
/// # Safety
/// `aug` is a live handle or null.
pub unsafe extern "C" fn aug_save(aug: *mut Handle) -> c_int {
    // SAFETY: the caller's handle.
    unsafe {
        guard(aug, -1, |h| {
            h.aug.save().map_err(|e| match e.code {
                ErrorCode::Internal => uncoded(e),
                _ => e,
            })?;
            Ok(0)
        })
    }
}

/// `aug_load_file`: loads `file` with the lens whose transform matches it. 0 or -1
/// (`ENOLENS` when no transform does).
///
/// # Safety
/// `aug` is a live handle or null; `file` is a C string.
pub unsafe extern "C" fn aug_load_file(aug: *mut Handle, file: *const c_char) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let file = text(file, "aug_load_file", "FILE")?;
            h.aug.load_file(&file)?;
            Ok(0)
        })
    }
}

/// `aug_transform`: `lens` applies to `file` (or excludes it when `excl != 0`) from the
/// next load on. Returns 0, as Augeas's code does (its header says 1), or -1.
///
/// # Safety
/// `aug` is a live handle or null; `lens` and `file` are C strings.
pub unsafe extern "C" fn aug_transform(
    aug: *mut Handle,
    lens: *const c_char,
    file: *const c_char,
    excl: c_int,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let lens = text(lens, "aug_transform", "LENS")?;
            let file = text(file, "aug_transform", "FILE")?;
            if lens.is_empty() {
                return Err(bad_arg("aug_transform: LENS must not be empty"));
            }
            if file.is_empty() {
                return Err(bad_arg("aug_transform: FILE must not be empty"));
            }
            let filter = if excl != 0 {
                Filter::Excl
            } else {
                Filter::Incl
            };
            h.aug.transform(&lens, &file, filter)?;
            Ok(0)
        })
    }
}

/// `aug_text_store`: parses the value of `node` with `lens` into a tree at `path`.
/// 0 or -1 (a text that does not parse fails without an error code; the reason is under
/// `/augeas/text/PATH/error`).
///
/// # Safety
/// `aug` is a live handle or null; the strings are C strings.
pub unsafe extern "C" fn aug_text_store(
    aug: *mut Handle,
    lens: *const c_char,
    node: *const c_char,
    path: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let lens = text(lens, "aug_text_store", "LENS")?;
            let node = text(node, "aug_text_store", "NODE")?;
            let path = text(path, "aug_text_store", "PATH")?;
            match h.aug.text_store(&lens, &node, &path) {
                Err(e) if e.code == ErrorCode::NoMatch => {
                    // Augeas's words: the node is missing, or it has no value.
                    let missing = h.aug.count(&node).is_ok_and(|n| n == 0);
                    let what = if missing {
                        "does not exist"
                    } else {
                        "has a NULL value"
                    };
                    Err(reword(e, ErrorCode::NoMatch, || {
                        format!("Source node {node} {what}")
                    }))
                }
                r => r,
            }?;
            Ok(0)
        })
    }
}

/// `aug_text_retrieve`: writes the tree at `path` with `lens` over the original text in
/// `node_in`, and stores the text in `node_out`. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; the strings are C strings.
pub unsafe extern "C" fn aug_text_retrieve(
    aug: *mut Handle,
    lens: *const c_char,
    node_in: *const c_char,
    path: *const c_char,
    node_out: *const c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let lens = text(lens, "aug_text_retrieve", "LENS")?;
            let node_in = text(node_in, "aug_text_retrieve", "NODE_IN")?;
            let path = text(path, "aug_text_retrieve", "PATH")?;
            let node_out = text(node_out, "aug_text_retrieve", "NODE_OUT")?;
            h.aug.text_retrieve(&lens, &node_in, &path, &node_out)?;
            Ok(0)
        })
    }
}

/// `aug_source`: the file node (`/files/etc/hosts`) of the single node `path` matches,
/// in `*file_path` (malloc'ed; null when the node is in no file). 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` is a C string; `file_path` is writable.
pub unsafe extern "C" fn aug_source(
    aug: *const Handle,
    path: *const c_char,
    file_path: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            if file_path.is_null() {
                return Err(bad_arg("aug_source_file: FILE_PATH must not be NULL"));
            }
            put(file_path, std::ptr::null_mut());
            let path = text(path, "aug_source", "PATH")?;
            let src = h.aug.source(&path).map_err(|e| {
                reword(e, ErrorCode::NoMatch, || {
                    format!("There is no node matching {path}")
                })
            })?;
            if let Some(src) = src {
                put(file_path, malloc_string(&src)?);
            }
            Ok(0)
        })
    }
}

/// `aug_preview`: the text a save would write for the file the node `path` belongs to,
/// in `*out` (malloc'ed). 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` is a C string; `out` is writable.
pub unsafe extern "C" fn aug_preview(
    aug: *mut Handle,
    path: *const c_char,
    out: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_preview", "PATH")?;
            if out.is_null() {
                return Err(bad_arg("aug_preview: OUT must not be NULL"));
            }
            put(out, std::ptr::null_mut());
            let text = h.aug.preview(&path).map_err(|e| match e.code {
                // The file's text could not be written: no code, as in Augeas.
                ErrorCode::Internal => uncoded(e),
                ErrorCode::NoMatch => {
                    reword(e, ErrorCode::NoMatch, || format!("No node matching {path}"))
                }
                _ => e,
            })?;
            if let Some(t) = text {
                put(out, malloc_string(&t)?);
            }
            Ok(0)
        })
    }
}

/// A byte offset as C's `unsigned int`.
fn offset(n: usize) -> c_uint {
    c_uint::try_from(n).unwrap_or(c_uint::MAX)
}

/// `aug_span`: where the single node `path` matches came from (needs spans): its file in
/// `*filename` (malloc'ed) and the byte ranges of its label, value and whole text. Any
/// output pointer may be null. 0 or -1.
///
/// # Safety
/// `aug` is a live handle or null; `path` is a C string; each output is null or
/// writable.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn aug_span(
    aug: *mut Handle,
    path: *const c_char,
    filename: *mut *mut c_char,
    label_start: *mut c_uint,
    label_end: *mut c_uint,
    value_start: *mut c_uint,
    value_end: *mut c_uint,
    span_start: *mut c_uint,
    span_end: *mut c_uint,
) -> c_int {
    // SAFETY: the caller's pointers, as documented.
    unsafe {
        guard(aug, -1, |h| {
            let path = text(path, "aug_span", "PATH")?;
            let s = h.aug.span(&path).map_err(|e| match e.code {
                ErrorCode::NoMatch => {
                    reword(e, ErrorCode::NoMatch, || format!("No node matching {path}"))
                }
                ErrorCode::NoSpan => {
                    reword(e, ErrorCode::NoSpan, || format!("No span info for {path}"))
                }
                ErrorCode::MMatch => reword(e, ErrorCode::MMatch, || {
                    format!("Multiple nodes match {path}")
                }),
                _ => e,
            })?;
            put(label_start, offset(s.label.start));
            put(label_end, offset(s.label.end));
            put(value_start, offset(s.value.start));
            put(value_end, offset(s.value.end));
            put(span_start, offset(s.span.start));
            put(span_end, offset(s.span.end));
            if !filename.is_null() {
                put(filename, malloc_string(&s.filename)?);
            }
            Ok(0)
        })
    }
}
