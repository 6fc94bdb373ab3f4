//! libaugeas.so.0 built from aug-core: Augeas 1.14's C interface (`include/augeas.h`),
//! with the same functions, return codes, error codes, flags, ownership rules and symbol
//! versions, so that programs and bindings linked against Augeas run on aug-rs unchanged
//! (`LD_LIBRARY_PATH`, or the library installed in place of the system's).
//!
//! Each exported function checks its pointers, resets the handle's error, runs its body
//! with panics caught (a panic is reported as `AUG_EINTERNAL`, never unwinds into C) and
//! turns an `aug_core::Error` into the handle's error. Strings C must free come from
//! malloc(3); strings C only reads live in the handle (see `handle`).
//!
//! This is the one crate of the workspace with `unsafe` code: a C interface is raw
//! pointers, `FILE *` streams and malloc'ed memory, which safe Rust cannot express. Every
//! `unsafe` block is at that boundary and says why it holds; aug-core still forbids it.

#![allow(unsafe_code)]
#![warn(missing_docs)]

mod errors;
mod exports;
mod ffi;
mod files;
mod handle;
mod module;
mod ns;
mod output;
mod session;
mod tree;
mod xml;

pub use handle::Handle;
pub use output::MemStream;
