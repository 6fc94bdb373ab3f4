//! The library side of augtool-rs: only the command-line tokenizer, shared by the
//! `augtool-rs` binary and the fuzz targets (`fuzz/`). Everything else of the tool is
//! private to the binary.
//!
//! ```
//! use augtool_rs::tokenizer::{Kind, next_token};
//! let (word, rest) = next_token("set '/files/a b' 1", Kind::Str).unwrap();
//! assert_eq!((word.as_str(), rest), ("set", "'/files/a b' 1"));
//! ```

#![warn(missing_docs)]

pub mod tokenizer;
