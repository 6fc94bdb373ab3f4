//! The ordered tree that every file is read into: nodes with an optional label and value,
//! ordered children, O(1) parent links, stable identities and per-file dirty flags.
//!
//! Node identities are generational keys: a [`NodeId`] of a removed node never aliases a
//! node created later, and every accessor answers `None` (or an empty slice) for it.

use compact_str::CompactString;
use slotmap::{SlotMap, new_key_type};
use std::ops::Range;

new_key_type! {
    /// The identity of a node in a [`Tree`]. Stable across edits of other nodes.
    pub struct NodeId;
}

/// Byte ranges of a node in the text it was read from (Augeas's `span` information).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeSpan {
    /// Where the label was read from (0..0 when the label is not from the text).
    pub label: Range<usize>,
    /// Where the value was read from (0..0 when the value is not from the text).
    pub value: Range<usize>,
    /// The whole text of the node.
    pub span: Range<usize>,
}

/// No layout entry (see [`Tree::origin`]).
const NO_ORIGIN: u32 = u32::MAX;

/// One node of the tree.
#[derive(Debug, Clone)]
struct Node {
    /// Short strings (most labels and values) live inline, without a heap allocation.
    label: Option<CompactString>,
    value: Option<CompactString>,
    parent: Option<NodeId>,
    children: Vec<NodeId>,
    dirty: bool,
    /// Marks the root node of a file's subtree (e.g. `/files/etc/hosts`).
    file: bool,
    /// The node or one of its descendants may have changed since the flags were last
    /// cleared: set on every ancestor by [`Tree::mark_dirty`], so that a clean subtree can
    /// be skipped without looking inside.
    touched: bool,
    /// Which entry of its file's recorded layout this top-level node was read from
    /// (`NO_ORIGIN` for none); only meaningful while the node is not `touched`.
    origin: u32,
    span: Option<Box<NodeSpan>>,
}

impl Default for Node {
    fn default() -> Self {
        Node {
            label: None,
            value: None,
            parent: None,
            children: Vec::new(),
            dirty: false,
            file: false,
            touched: false,
            origin: NO_ORIGIN,
            span: None,
        }
    }
}

/// An ordered tree of labelled nodes. The root has no label.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: SlotMap<NodeId, Node>,
    root: NodeId,
}

impl Default for Tree {
    fn default() -> Self {
        Self::new()
    }
}

/// A node's label, value and children, used to build subtrees at once
/// (see [`Tree::graft`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subtree {
    /// The label; `None` for hidden nodes.
    pub label: Option<String>,
    /// The value; `None` when the node has no value.
    pub value: Option<String>,
    /// Spans of the node in the text it came from, if known.
    pub span: Option<NodeSpan>,
    /// The children, in order.
    pub children: Vec<Subtree>,
}

impl Subtree {
    /// A node with a label and value and no children.
    pub fn new(label: Option<&str>, value: Option<&str>) -> Self {
        Subtree {
            label: label.map(str::to_owned),
            value: value.map(str::to_owned),
            span: None,
            children: Vec::new(),
        }
    }
}

impl Tree {
    /// An empty tree: just a root node with no label.
    pub fn new() -> Self {
        let mut nodes = SlotMap::with_key();
        let root = nodes.insert(Node::default());
        Tree { nodes, root }
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// Whether `id` names a live node of this tree.
    pub fn contains(&self, id: NodeId) -> bool {
        self.nodes.contains_key(id)
    }

    /// The number of live nodes, the root included.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree holds only its root.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    /// The label of `id`, `None` for hidden nodes, the root, or a removed node.
    pub fn label(&self, id: NodeId) -> Option<&str> {
        self.nodes.get(id)?.label.as_deref()
    }

    /// The value of `id`, `None` when it has none.
    pub fn value(&self, id: NodeId) -> Option<&str> {
        self.nodes.get(id)?.value.as_deref()
    }

    /// The parent of `id`; `None` for the root or a removed node.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes.get(id)?.parent
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.nodes.get(id).map_or(&[], |n| n.children.as_slice())
    }

    /// The first child of `id` labelled `label`.
    pub fn child(&self, id: NodeId, label: &str) -> Option<NodeId> {
        self.children(id)
            .iter()
            .copied()
            .find(|&c| self.label(c) == Some(label))
    }

    /// The span information of `id`, when it was read with spans enabled.
    pub fn span(&self, id: NodeId) -> Option<&NodeSpan> {
        self.nodes.get(id)?.span.as_deref()
    }

    /// Records span information for `id`.
    pub fn set_span(&mut self, id: NodeId, span: Option<NodeSpan>) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.span = span.map(Box::new);
        }
    }

    /// The dirty flag of `id` itself (what `modified()` tests).
    pub fn is_dirty(&self, id: NodeId) -> bool {
        self.nodes.get(id).is_some_and(|n| n.dirty)
    }

    /// Whether `id` is the root of a file's subtree.
    pub fn is_file(&self, id: NodeId) -> bool {
        self.nodes.get(id).is_some_and(|n| n.file)
    }

    /// Marks `id` as the root of a file's subtree (or not).
    pub fn set_file(&mut self, id: NodeId, file: bool) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.file = file;
        }
    }

    /// The nearest ancestor-or-self of `id` that is a file root.
    pub fn file_of(&self, id: NodeId) -> Option<NodeId> {
        self.ancestors_or_self(id).find(|&a| self.is_file(a))
    }

    /// Marks `id` dirty, and the file it belongs to (as Augeas's `tree_mark_dirty`).
    pub fn mark_dirty(&mut self, id: NodeId) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.dirty = true;
        }
        let mut cur = Some(id);
        let mut in_file = true;
        while let Some(c) = cur {
            let Some(n) = self.nodes.get_mut(c) else {
                return;
            };
            n.touched = true;
            if in_file && n.file {
                n.dirty = true;
                in_file = false;
            }
            cur = n.parent;
        }
    }

    /// Records that something under `id` changed without dirtying anything (a graft).
    fn touch(&mut self, id: NodeId) {
        let mut cur = Some(id);
        while let Some(c) = cur {
            let Some(n) = self.nodes.get_mut(c) else {
                return;
            };
            n.touched = true;
            cur = n.parent;
        }
    }

    /// Clears the dirty flag of `id` and of all its descendants. Only the subtrees where
    /// something changed are visited.
    pub fn clear_dirty(&mut self, id: NodeId) {
        let mut stack = vec![id];
        while let Some(d) = stack.pop() {
            if let Some(n) = self.nodes.get_mut(d) {
                n.dirty = false;
                if std::mem::take(&mut n.touched) || d == id {
                    stack.extend_from_slice(&n.children);
                }
            }
        }
    }

    /// Which entry of its file's recorded layout `id` was read from, when nothing in its
    /// subtree changed since (moving, editing or adding below it all count as changes).
    pub(crate) fn origin(&self, id: NodeId) -> Option<u32> {
        let n = self.nodes.get(id)?;
        (!n.touched && n.origin != NO_ORIGIN).then_some(n.origin)
    }

    /// Records that `id` holds entry `origin` of its file's layout, unchanged.
    pub(crate) fn set_origin(&mut self, id: NodeId, origin: u32) {
        if let Some(n) = self.nodes.get_mut(id) {
            n.origin = origin;
            n.touched = false;
        }
    }

    /// Sets the value of `id`. Marks the node dirty only when the value changes.
    /// Returns `false` when `id` is not a live node.
    pub fn set_value(&mut self, id: NodeId, value: Option<&str>) -> bool {
        let Some(n) = self.nodes.get_mut(id) else {
            return false;
        };
        if n.value.as_deref() != value {
            n.value = value.map(CompactString::from);
            self.mark_dirty(id);
        }
        true
    }

    /// Sets the label of `id`. Marks the node dirty only when the label changes.
    pub fn set_label(&mut self, id: NodeId, label: Option<&str>) -> bool {
        let Some(n) = self.nodes.get_mut(id) else {
            return false;
        };
        if n.label.as_deref() != label {
            n.label = label.map(CompactString::from);
            self.mark_dirty(id);
        }
        true
    }

    /// Creates a node and inserts it as child number `index` of `parent` (clamped to the
    /// number of children). Marks the new node dirty. Returns `None` if `parent` is gone.
    pub fn insert_child(
        &mut self,
        parent: NodeId,
        index: usize,
        label: Option<&str>,
        value: Option<&str>,
    ) -> Option<NodeId> {
        let p = self.nodes.get(parent)?;
        let index = index.min(p.children.len());
        let id = self.nodes.insert(Node {
            label: label.map(CompactString::from),
            value: value.map(CompactString::from),
            parent: Some(parent),
            ..Node::default()
        });
        self.nodes.get_mut(parent)?.children.insert(index, id);
        self.mark_dirty(id);
        Some(id)
    }

    /// Creates a node as the last child of `parent`.
    pub fn append_child(
        &mut self,
        parent: NodeId,
        label: Option<&str>,
        value: Option<&str>,
    ) -> Option<NodeId> {
        self.insert_child(parent, usize::MAX, label, value)
    }

    /// Creates a sibling right before (`before == true`) or after `sibling`.
    pub fn insert_sibling(
        &mut self,
        sibling: NodeId,
        label: Option<&str>,
        before: bool,
    ) -> Option<NodeId> {
        let parent = self.parent(sibling)?;
        let idx = self.index_in_parent(sibling)?;
        let at = if before { idx } else { idx + 1 };
        self.insert_child(parent, at, label, None)
    }

    /// The position of `id` among its parent's children (0-based).
    pub fn index_in_parent(&self, id: NodeId) -> Option<usize> {
        let parent = self.parent(id)?;
        self.children(parent).iter().position(|&c| c == id)
    }

    /// Builds `sub` as child number `index` of `parent`, without marking anything dirty
    /// (this is how a lens's get result enters the tree). Returns the new node.
    pub fn graft(&mut self, parent: NodeId, index: usize, sub: Subtree) -> Option<NodeId> {
        let p = self.nodes.get(parent)?;
        let index = index.min(p.children.len());
        let id = self.build(parent, sub);
        self.nodes.get_mut(parent)?.children.insert(index, id);
        self.touch(parent);
        Some(id)
    }

    fn build(&mut self, parent: NodeId, sub: Subtree) -> NodeId {
        // Iterative to stay safe on deeply nested input.
        let id = self.nodes.insert(Node {
            label: sub.label.map(CompactString::from),
            value: sub.value.map(CompactString::from),
            parent: Some(parent),
            span: sub.span.map(Box::new),
            ..Node::default()
        });
        let mut stack: Vec<(NodeId, std::vec::IntoIter<Subtree>)> =
            vec![(id, sub.children.into_iter())];
        while let Some((p, iter)) = stack.last_mut() {
            let p = *p;
            match iter.next() {
                Some(child) => {
                    let cid = self.nodes.insert(Node {
                        label: child.label.map(CompactString::from),
                        value: child.value.map(CompactString::from),
                        parent: Some(p),
                        span: child.span.map(Box::new),
                        ..Node::default()
                    });
                    if let Some(pn) = self.nodes.get_mut(p) {
                        pn.children.push(cid);
                    }
                    stack.push((cid, child.children.into_iter()));
                }
                None => {
                    stack.pop();
                }
            }
        }
        id
    }

    /// Creates a node with no parent yet, owning `children` (which must be detached too),
    /// without marking anything dirty. This is how get builds a file's nodes in place;
    /// [`Tree::adopt`] attaches the top-level ones, [`Tree::discard`] drops them on failure.
    pub(crate) fn new_detached(
        &mut self,
        label: Option<CompactString>,
        value: Option<CompactString>,
        span: Option<NodeSpan>,
        children: Vec<NodeId>,
    ) -> NodeId {
        let id = self.nodes.insert(Node {
            label,
            value,
            span: span.map(Box::new),
            ..Node::default()
        });
        for &c in &children {
            if let Some(n) = self.nodes.get_mut(c) {
                n.parent = Some(id);
            }
        }
        if let Some(n) = self.nodes.get_mut(id) {
            n.children = children;
        }
        id
    }

    /// Appends detached nodes (see [`Tree::new_detached`]) as the last children of
    /// `parent`, without marking anything dirty. Returns `false` if `parent` is gone.
    pub(crate) fn adopt(&mut self, parent: NodeId, kids: Vec<NodeId>) -> bool {
        if !self.contains(parent) {
            return false;
        }
        for &c in &kids {
            if let Some(n) = self.nodes.get_mut(c) {
                n.parent = Some(parent);
            }
        }
        if let Some(p) = self.nodes.get_mut(parent) {
            if p.children.is_empty() {
                p.children = kids;
            } else {
                p.children.extend(kids);
            }
        }
        true
    }

    /// Drops nodes created with [`Tree::new_detached`] that were never adopted, with their
    /// descendants; nodes already removed (as descendants of others in `ids`) are skipped.
    pub(crate) fn discard(&mut self, ids: &[NodeId]) {
        for &id in ids {
            self.drop_subtree(id);
        }
    }

    /// A copy of the subtree at `id` as plain data.
    pub fn extract(&self, id: NodeId) -> Option<Subtree> {
        let n = self.nodes.get(id)?;
        let mut out = Subtree {
            label: n.label.as_deref().map(str::to_owned),
            value: n.value.as_deref().map(str::to_owned),
            span: n.span.as_deref().cloned(),
            children: Vec::with_capacity(n.children.len()),
        };
        for &c in &n.children {
            if let Some(s) = self.extract(c) {
                out.children.push(s);
            }
        }
        Some(out)
    }

    /// Removes `id` and all its descendants. Marks the parent dirty. Returns the number of
    /// nodes removed (descendants included), as Augeas's `rm` counts them. The root cannot
    /// be removed; removing it removes its children instead.
    pub fn remove(&mut self, id: NodeId) -> usize {
        if !self.contains(id) {
            return 0;
        }
        if id == self.root {
            let kids: Vec<NodeId> = self.children(id).to_vec();
            return kids.into_iter().map(|k| self.remove(k)).sum();
        }
        if let Some(parent) = self.parent(id) {
            if let Some(p) = self.nodes.get_mut(parent) {
                p.children.retain(|&c| c != id);
            }
            self.mark_dirty(parent);
        }
        self.drop_subtree(id)
    }

    /// Removes several nodes at once in time linear in the size of the affected sibling
    /// lists. Nodes already removed as descendants of others are skipped. Returns the number
    /// of nodes removed.
    pub fn remove_many(&mut self, ids: &[NodeId]) -> usize {
        use std::collections::HashSet;
        let doomed: HashSet<NodeId> = ids.iter().copied().filter(|&i| i != self.root).collect();
        let mut parents: Vec<NodeId> = Vec::new();
        for &id in &doomed {
            if let Some(p) = self.parent(id) {
                parents.push(p);
            }
        }
        parents.sort_unstable();
        parents.dedup();
        let mut count = 0;
        for p in parents {
            if !self.contains(p) {
                continue;
            }
            let kids = std::mem::take(&mut self.nodes[p].children);
            let (gone, keep): (Vec<NodeId>, Vec<NodeId>) =
                kids.into_iter().partition(|c| doomed.contains(c));
            self.nodes[p].children = keep;
            if !gone.is_empty() {
                self.mark_dirty(p);
            }
            for g in gone {
                count += self.drop_subtree(g);
            }
        }
        count
    }

    fn drop_subtree(&mut self, id: NodeId) -> usize {
        let mut stack = vec![id];
        let mut count = 0;
        while let Some(n) = stack.pop() {
            if let Some(node) = self.nodes.remove(n) {
                count += 1;
                stack.extend(node.children);
            }
        }
        count
    }

    /// Removes all children of `id`.
    pub fn clear_children(&mut self, id: NodeId) -> usize {
        let kids: Vec<NodeId> = self.children(id).to_vec();
        self.remove_many(&kids)
    }

    /// Moves the subtree `id` to become child number `index` of `new_parent`.
    /// Fails (returns `false`) if `new_parent` is `id` or one of its descendants.
    pub fn move_to(&mut self, id: NodeId, new_parent: NodeId, index: usize) -> bool {
        if !self.contains(id) || !self.contains(new_parent) || id == self.root {
            return false;
        }
        if self.is_ancestor_or_self(id, new_parent) {
            return false;
        }
        if let Some(old) = self.parent(id) {
            if let Some(p) = self.nodes.get_mut(old) {
                p.children.retain(|&c| c != id);
            }
            self.mark_dirty(old);
        }
        let len = self.children(new_parent).len();
        if let Some(p) = self.nodes.get_mut(new_parent) {
            p.children.insert(index.min(len), id);
        }
        if let Some(n) = self.nodes.get_mut(id) {
            n.parent = Some(new_parent);
        }
        self.mark_dirty(id);
        self.mark_dirty(new_parent);
        true
    }

    /// Copies the subtree `src` to become child number `index` of `new_parent`. The copy is
    /// marked dirty. Returns the copy's id.
    pub fn copy_to(&mut self, src: NodeId, new_parent: NodeId, index: usize) -> Option<NodeId> {
        let mut sub = self.extract(src)?;
        strip_spans(&mut sub);
        let id = self.graft(new_parent, index, sub)?;
        let all: Vec<NodeId> = self.descendants_or_self(id).collect();
        for n in all {
            if let Some(node) = self.nodes.get_mut(n) {
                node.dirty = true;
                node.touched = true;
            }
        }
        self.mark_dirty(id);
        Some(id)
    }

    /// Whether `a` is `b` or one of `b`'s ancestors.
    pub fn is_ancestor_or_self(&self, a: NodeId, b: NodeId) -> bool {
        self.ancestors_or_self(b).any(|x| x == a)
    }

    /// `id`, then its parent, and so on up to the root.
    pub fn ancestors_or_self(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let start = self.contains(id).then_some(id);
        std::iter::successors(start, move |&n| self.parent(n))
    }

    /// `id` and all its descendants in document (pre-)order.
    pub fn descendants_or_self(&self, id: NodeId) -> Descendants<'_> {
        Descendants {
            tree: self,
            stack: if self.contains(id) { vec![id] } else { vec![] },
        }
    }

    /// The number of nodes in the subtree at `id`, `id` included.
    pub fn subtree_size(&self, id: NodeId) -> usize {
        self.descendants_or_self(id).count()
    }

    /// The depth of `id` (the root has depth 0).
    pub fn depth(&self, id: NodeId) -> usize {
        self.ancestors_or_self(id).count().saturating_sub(1)
    }
}

fn strip_spans(sub: &mut Subtree) {
    let mut stack = vec![sub];
    while let Some(s) = stack.pop() {
        s.span = None;
        stack.extend(s.children.iter_mut());
    }
}

/// Pre-order iterator over a subtree; see [`Tree::descendants_or_self`].
#[derive(Debug)]
pub struct Descendants<'a> {
    tree: &'a Tree,
    stack: Vec<NodeId>,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        let n = self.stack.pop()?;
        self.stack
            .extend(self.tree.children(n).iter().rev().copied());
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_move_remove_keep_identities() {
        let mut t = Tree::new();
        let r = t.root();
        let a = t.append_child(r, Some("a"), None).unwrap();
        let b = t.append_child(r, Some("b"), Some("1")).unwrap();
        let c = t.append_child(a, Some("c"), None).unwrap();
        assert_eq!(t.children(r), &[a, b]);
        assert!(t.move_to(b, a, 0));
        assert_eq!(t.children(a), &[b, c]);
        assert!(!t.move_to(a, c, 0), "moving into a descendant must fail");
        assert_eq!(t.remove(a), 3);
        assert!(!t.contains(b));
        let d = t.append_child(r, Some("d"), None).unwrap();
        assert_ne!(d, b, "a removed id never aliases a new node");
        assert_eq!(t.label(b), None);
    }

    #[test]
    fn dirty_marks_node_and_file() {
        let mut t = Tree::new();
        let r = t.root();
        let f = t.graft(r, 0, Subtree::new(Some("hosts"), None)).unwrap();
        t.set_file(f, true);
        let x = t.graft(f, 0, Subtree::new(Some("1"), None)).unwrap();
        let y = t
            .graft(x, 0, Subtree::new(Some("ipaddr"), Some("1.2.3.4")))
            .unwrap();
        assert!(!t.is_dirty(f));
        t.set_value(y, Some("1.2.3.4"));
        assert!(!t.is_dirty(y), "an unchanged value does not dirty");
        t.set_value(y, Some("5.6.7.8"));
        assert!(t.is_dirty(y) && t.is_dirty(f) && !t.is_dirty(x));
        t.clear_dirty(f);
        assert!(!t.is_dirty(y));
    }

    #[test]
    fn remove_many_is_by_parent() {
        let mut t = Tree::new();
        let r = t.root();
        let ids: Vec<_> = (0..10)
            .map(|i| t.append_child(r, Some(&i.to_string()), None).unwrap())
            .collect();
        let odd: Vec<_> = ids.iter().copied().skip(1).step_by(2).collect();
        assert_eq!(t.remove_many(&odd), 5);
        let labels: Vec<_> = t.children(r).iter().map(|&c| t.label(c).unwrap()).collect();
        assert_eq!(labels, ["0", "2", "4", "6", "8"]);
    }
}
