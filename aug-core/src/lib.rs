//! aug-core: the heart of aug-rs, a pure-Rust reimplementation of Augeas.
//!
//! Configuration files are read through bidirectional lenses into an ordered [`Tree`],
//! queried and edited with Augeas's path language, and written back without losing layout.
//! The built-in lenses live in the `aug-lenses` crate, whose `open` gives a ready handle:
//!
//! ```
//! # fn main() -> Result<(), aug_core::Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let root = dir.path();
//! # for f in ["hosts", "passwd"] {
//! #     std::fs::create_dir_all(root.join("etc")).unwrap();
//! #     std::fs::copy(format!("../testroot/etc/{f}"), root.join("etc").join(f)).unwrap();
//! # }
//! use aug_core::Flags;
//!
//! let mut aug = aug_lenses::open(Some(root), Flags::NONE);
//! // Give localhost a third alias and write /etc/hosts back, layout and comments intact.
//! aug.set("/files/etc/hosts/1/alias[3]", Some("myhost"))?;
//! aug.save()?;
//! let hosts = std::fs::read_to_string(root.join("etc/hosts")).unwrap();
//! assert!(hosts.contains("127.0.0.1\tlocalhost myhost\n"));
//!
//! // Which users cannot log in?
//! let users = aug.matches("/files/etc/passwd/*[shell='/bin/false']")?;
//! assert!(users.contains(&"/files/etc/passwd/news".to_string()));
//! # Ok(())
//! # }
//! ```
//!
//! The pieces: [`Augeas`] (the handle: load, edit, save), opened with
//! [`Augeas::builder`]; [`Error`] (with [`ErrorKind`] and [`FileError`] for what failed
//! where); [`NodeRef`] (a borrowed view of a node); [`Tree`] (the ordered tree);
//! [`path`] (the path language); [`lens`] and [`rx`] (the combinators and Augeas's
//! regexps, for writing lenses); [`lang`] (the `.aug` language); [`srun`] (augtool's
//! command language); [`print`](mod@print) (node paths and `augtool print` output); [`text`] (bytes
//! that are not UTF-8 in values).

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod augeas;
mod error;
mod fa;
mod fs;
pub mod lang;
pub mod lens;
// The free functions the handle's methods wrap (over a tree, its variables and a context
// node). The C library and the table tests use them; callers use [`Augeas`]'s methods.
#[doc(hidden)]
pub mod ops;
pub mod path;
pub mod print;
pub mod rx;
pub mod srun;
pub mod text;
mod tree;

pub use augeas::{
    AUGEAS_VERSION, Augeas, Builder, Error, ErrorKind, FileError, FileErrorKind, Filter, Flags,
    Module, NodeAttr, NodeRef, Position, STD_LOADPATH, SpanInfo, default_cache_dir, modules_with,
    search_path,
};
pub use error::{ErrorCode, Span};
pub use lens::Engine;
pub use ops::OpError;
pub use path::{PathError, PathExpr, Value, Vars};
pub use tree::{Descendants, NodeId, NodeSpan, Subtree, Tree};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
