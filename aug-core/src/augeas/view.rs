//! Borrowed views of the handle's nodes, so that Rust callers can walk what a path
//! matched (label, value, children, parent, path, span) without going back and forth
//! through path strings.

use super::Augeas;
use crate::error::ErrorCode;
use crate::tree::{NodeId, NodeSpan, Tree};
use std::fmt;

/// One node of a handle's tree, borrowed (see [`Augeas::nodes`]).
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
/// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost lh\n10.0.0.2 gw\n").unwrap();
/// use aug_core::{Augeas, Flags};
/// let aug = Augeas::builder()
///     .root(dir.path())
///     .flags(Flags::NO_STDINC)
///     .modules(aug_lenses::builtin_modules())
///     .open();
/// for entry in aug.nodes("/files/etc/hosts/*")? {
///     let ip = entry.child("ipaddr").and_then(|n| n.value());
///     let names: Vec<&str> = entry.children().skip(1).filter_map(|n| n.value()).collect();
///     println!("{} {ip:?} {names:?}", entry.path().unwrap_or_default());
/// }
/// let first = aug.node("/files/etc/hosts/1")?.expect("one entry");
/// assert_eq!(first.label(), Some("1"));
/// assert_eq!(first.children().count(), 3);
/// assert_eq!(first.child("alias").and_then(|n| n.value()), Some("lh"));
/// # Ok::<(), aug_core::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    tree: &'a Tree,
    id: NodeId,
}

impl<'a> NodeRef<'a> {
    /// The node's identity, for [`Augeas::tree`] and later lookups ([`Augeas::node_by_id`]).
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The label; `None` for hidden nodes (and the root).
    pub fn label(&self) -> Option<&'a str> {
        self.tree.label(self.id)
    }

    /// The value, if any.
    pub fn value(&self) -> Option<&'a str> {
        self.tree.value(self.id)
    }

    /// The parent; `None` for the root.
    pub fn parent(&self) -> Option<NodeRef<'a>> {
        self.tree.parent(self.id).map(|id| self.at(id))
    }

    /// The children, in order (hidden ones included: their label is `None`).
    pub fn children(
        &self,
    ) -> impl DoubleEndedIterator<Item = NodeRef<'a>> + ExactSizeIterator + 'a {
        let tree = self.tree;
        tree.children(self.id)
            .iter()
            .map(move |&id| NodeRef { tree, id })
    }

    /// The first child labelled `label`.
    pub fn child(&self, label: &str) -> Option<NodeRef<'a>> {
        self.tree.child(self.id, label).map(|id| self.at(id))
    }

    /// The escaped path that names this node, e.g. `/files/etc/hosts/1/alias[2]`; `None`
    /// for a hidden node.
    pub fn path(&self) -> Option<String> {
        crate::print::node_path(self.tree, self.id)
    }

    /// Where the node was read from in its file, when the handle keeps spans
    /// ([`crate::Flags::ENABLE_SPAN`]).
    pub fn span(&self) -> Option<&'a NodeSpan> {
        self.tree.span(self.id)
    }

    fn at(&self, id: NodeId) -> NodeRef<'a> {
        NodeRef {
            tree: self.tree,
            id,
        }
    }
}

impl fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeRef")
            .field("id", &self.id)
            .field("label", &self.label())
            .field("value", &self.value())
            .finish()
    }
}

impl Augeas {
    /// Views of the nodes `path` matches, in document order.
    pub fn nodes(&self, path: &str) -> Result<Vec<NodeRef<'_>>, super::Error> {
        let ids = self.match_nodes(path)?;
        Ok(ids
            .into_iter()
            .map(|id| NodeRef {
                tree: &self.tree,
                id,
            })
            .collect())
    }

    /// A view of the one node `path` matches: `None` when it matches nothing, an
    /// [`ErrorCode::MMatch`] error when it matches several.
    pub fn node(&self, path: &str) -> Result<Option<NodeRef<'_>>, super::Error> {
        let ids = self.match_nodes(path)?;
        match ids.as_slice() {
            [] => Ok(None),
            [id] => Ok(Some(NodeRef {
                tree: &self.tree,
                id: *id,
            })),
            _ => Err(super::Error::new(
                ErrorCode::MMatch,
                None,
                Some(format!("There are {} nodes matching {path}", ids.len())),
            )),
        }
    }

    /// A view of the node `id`, if it is still in the tree.
    pub fn node_by_id(&self, id: NodeId) -> Option<NodeRef<'_>> {
        self.tree.contains(id).then_some(NodeRef {
            tree: &self.tree,
            id,
        })
    }
}
