//! aug-core: the heart of aug-rs, a pure-Rust reimplementation of Augeas.
//!
//! Configuration files are read through bidirectional lenses into an ordered [`Tree`],
//! queried and edited with Augeas's path language, and written back without losing layout.
//!
//! ```
//! use aug_core::{Tree, print};
//! let mut tree = Tree::new();
//! let root = tree.root();
//! let hosts = tree.append_child(root, Some("hosts"), None).unwrap();
//! tree.append_child(hosts, Some("ipaddr"), Some("127.0.0.1"));
//! assert_eq!(print::print_tree(&tree), "/hosts\n/hosts/ipaddr = \"127.0.0.1\"\n");
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod augeas;
mod error;
mod fa;
mod fs;
pub mod lang;
pub mod lens;
pub mod print;
pub mod rx;
mod tree;

pub use augeas::{AUGEAS_VERSION, Augeas, Error, Flags, Module};
pub use error::{ErrorCode, Span};
pub use tree::{Descendants, NodeId, NodeSpan, Subtree, Tree};
