//! `struct augeas`: an `aug_core::Augeas` plus what the C interface keeps beside it, the
//! error of the last call (as C strings) and the values and labels lent to C.

use crate::ffi::c_string;
use aug_core::{Augeas, Error, ErrorCode, Flags, NodeId};
use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char};

/// The handle behind C's `augeas *`.
#[derive(Debug)]
pub struct Handle {
    /// The aug-core handle.
    pub(crate) aug: Augeas,
    /// The flags it was opened with.
    pub(crate) flags: Flags,
    /// The error of the last call.
    code: ErrorCode,
    minor: Option<CString>,
    details: Option<CString>,
    /// Values lent to C (`aug_get`, `aug_ns_value`, `aug_ns_attr`), by node.
    values: Lent,
    /// Labels lent to C (`aug_label`, `aug_ns_label`, `aug_ns_attr`), by node.
    labels: Lent,
}

impl Handle {
    /// A handle around `aug`, opened with `flags`, with no error.
    pub(crate) fn new(aug: Augeas, flags: Flags) -> Handle {
        Handle {
            aug,
            flags,
            code: ErrorCode::NoError,
            minor: None,
            details: None,
            values: Lent::default(),
            labels: Lent::default(),
        }
    }

    /// Forgets the error of the previous call.
    pub(crate) fn clear_error(&mut self) {
        self.code = ErrorCode::NoError;
        self.minor = None;
        self.details = None;
    }

    /// Records `e` as the error of this call. A failure without an error code (a store or
    /// retrieve whose text did not parse) leaves no message either, as in Augeas.
    pub(crate) fn set_error(&mut self, e: Error) {
        self.code = e.code;
        if e.code == ErrorCode::NoError {
            self.minor = None;
            self.details = None;
        } else {
            self.minor = e.minor.as_deref().map(c_string);
            self.details = e.details.as_deref().map(c_string);
        }
    }

    /// The code of the last call's error.
    pub(crate) fn code(&self) -> ErrorCode {
        self.code
    }

    /// Its minor message, or null.
    pub(crate) fn minor(&self) -> *const c_char {
        self.minor.as_deref().map_or(std::ptr::null(), CStr::as_ptr)
    }

    /// Its details, or null.
    pub(crate) fn details(&self) -> *const c_char {
        self.details
            .as_deref()
            .map_or(std::ptr::null(), CStr::as_ptr)
    }

    /// The value of `node` as a C string that stays valid until the value changes (and
    /// is asked for again) or the handle closes; null when the node has none.
    pub(crate) fn lend_value(&mut self, node: NodeId) -> *const c_char {
        let tree = self.aug.tree();
        self.values.lend(node, tree.value(node), |n| tree.value(n))
    }

    /// The label of `node`, lent like [`Handle::lend_value`].
    pub(crate) fn lend_label(&mut self, node: NodeId) -> *const c_char {
        let tree = self.aug.tree();
        self.labels.lend(node, tree.label(node), |n| tree.label(n))
    }
}

/// Strings lent to C, one per node. A node's string is replaced only when the node's text
/// differs from it, so a pointer C holds stays valid as long as the node keeps its text,
/// which is what Augeas promises (its pointers point into the tree). Entries of nodes that
/// are gone or changed are dropped from time to time, so the store stays about as big as
/// the set of nodes C holds strings of.
#[derive(Debug, Default)]
struct Lent {
    strings: HashMap<NodeId, CString>,
    /// Prune when the store grows past this size.
    prune_at: usize,
}

impl Lent {
    /// The string for `node`, whose text is now `text`; `current` reads any node's text
    /// (for pruning).
    fn lend<'t>(
        &mut self,
        node: NodeId,
        text: Option<&str>,
        current: impl Fn(NodeId) -> Option<&'t str>,
    ) -> *const c_char {
        let Some(text) = text else {
            return std::ptr::null();
        };
        let wanted = c_string(text);
        if let Some(have) = self.strings.get(&node)
            && *have == wanted
        {
            return have.as_ptr();
        }
        if self.strings.len() >= self.prune_at {
            self.strings
                .retain(|&n, s| current(n).is_some_and(|t| c_string(t) == *s));
            self.prune_at = (2 * self.strings.len()).max(256);
        }
        let p = wanted.as_ptr();
        // Moving a `CString` keeps its heap buffer, so `p` stays valid in the map.
        self.strings.insert(node, wanted);
        p
    }
}
