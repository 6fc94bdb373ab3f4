//! The ordered tree that every file is read into: nodes with an optional label and value,
//! ordered children, O(1) parent links, stable identities and per-file dirty flags.
//!
//! Node identities are generational keys: a [`NodeId`] of a removed node never aliases a
//! node created later, and every accessor answers `None` (or an empty slice) for it.

use compact_str::{CompactString, ToCompactString};
use hashbrown::HashTable;
use rustc_hash::{FxHashMap, FxHashSet};
use std::num::NonZeroU32;
use std::ops::Range;
use std::sync::{Mutex, PoisonError};

mod store;
use store::{Node, Store};

/// The identity of a node in a [`Tree`]. Stable across edits of other nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    /// Where the node lives.
    slot: u32,
    /// Which of the nodes that lived there (odd; see [`store`]).
    generation: NonZeroU32,
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

/// No layout entry (see [`Tree::origin`]); also what an origin too large to record becomes.
const NO_ORIGIN: u32 = META_ORIGIN;

/// The bits of [`Node::meta`] that hold the origin.
const META_ORIGIN: u32 = (1 << 29) - 1;
/// [`Node::meta`]: the node itself changed (what `modified()` tests).
const META_DIRTY: u32 = 1 << 29;
/// [`Node::meta`]: the node is the root of a file's subtree (e.g. `/files/etc/hosts`).
const META_FILE: u32 = 1 << 30;
/// [`Node::meta`]: the node or one of its descendants may have changed since the flags
/// were last cleared: set on every ancestor by [`Tree::mark_dirty`], so that a clean
/// subtree can be skipped without looking inside.
const META_TOUCHED: u32 = 1 << 31;

/// No label (see [`Node::label`]).
const NO_LABEL: u32 = u32::MAX;

impl Node {
    fn has(&self, flag: u32) -> bool {
        self.meta & flag != 0
    }

    fn put(&mut self, flag: u32, on: bool) {
        if on {
            self.meta |= flag;
        } else {
            self.meta &= !flag;
        }
    }

    /// Clears `flag`, returning whether it was set.
    fn take(&mut self, flag: u32) -> bool {
        let was = self.has(flag);
        self.meta &= !flag;
        was
    }

    fn origin(&self) -> u32 {
        self.meta & META_ORIGIN
    }

    fn set_origin(&mut self, origin: u32) {
        let origin = if origin < META_ORIGIN {
            origin
        } else {
            NO_ORIGIN
        };
        self.meta = (self.meta & !META_ORIGIN) | origin;
    }
}

/// The labels of a tree, each stored once: nodes hold an index. A tree of a 100k-line
/// passwd has 800k labels but only 100k different ones (a hosts file only a handful).
/// Labels are kept for the tree's lifetime: it only ever sees as many as its files and
/// edits name. Their text is one string, so a label costs its bytes and 4 more.
///
/// A label that is a number below [`NUMBERS`] (what `seq` makes: 1 to 100k in a
/// 100k-line hosts) is not kept that way: its id is [`NUMBER`] plus the number, the same
/// in every tree (a tree read on another thread moves in without looking its numbers up
/// again), and its text is in `digits`, which holds every number from 0 up to the biggest
/// the tree has seen.
#[derive(Debug, Clone, Default)]
struct Labels {
    /// Every label, one after the other.
    text: String,
    /// Where each label ends in `text` (it starts where the one before ends).
    ends: Vec<u32>,
    index: HashTable<u32>,
    /// The numbers' labels: 0, 1, 2, ... up to `numbers - 1`, one after the other.
    digits: String,
    /// How many numbers `digits` holds.
    numbers: u32,
}

/// The id of the label that is the number 0; number `n`'s is `NUMBER + n`. Other labels'
/// ids stay below it.
const NUMBER: u32 = 1 << 31;
/// Labels that are numbers below this have ids of their own (see [`Labels`]): at most
/// 660 KiB of `digits`, for the tree that names the biggest.
const NUMBERS: u32 = 1 << 17;

/// The number `name` is, when it is written as Rust writes numbers below [`NUMBERS`]
/// (no sign, no leading zero): the labels [`Labels`] keeps by number.
fn label_number(name: &str) -> Option<u32> {
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 6 || (b.len() > 1 && b.first() == Some(&b'0')) {
        return None;
    }
    let mut n: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    (n < NUMBERS).then_some(n)
}

/// Where number `n` is written in `Labels::digits`, and how many digits it has.
fn digits_at(n: u32) -> (usize, usize) {
    let (mut start, mut first, mut width) = (0usize, 0u32, 1usize);
    loop {
        let next = if first == 0 {
            10
        } else {
            first.saturating_mul(10)
        };
        if n < next {
            return (start + (n - first) as usize * width, width);
        }
        start += (next - first) as usize * width;
        first = next;
        width += 1;
    }
}

fn label_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x9e37_79b9_7f4a_7c15).hash_one(name)
}

impl Labels {
    /// The index of `name`, added if new.
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(n) = label_number(name) {
            return self.number(n);
        }
        let hash = label_hash(name);
        if let Some(&i) = self.index.find(hash, |&i| self.get(i) == Some(name)) {
            return i;
        }
        self.add(hash, name)
    }

    /// The id of the label that is the number `n` (below [`NUMBERS`]), its text written
    /// if new.
    fn number(&mut self, n: u32) -> u32 {
        self.cover(n.saturating_add(1));
        NUMBER + n.min(NUMBERS - 1)
    }

    /// Writes the numbers' labels up to `numbers - 1`.
    fn cover(&mut self, numbers: u32) {
        use std::fmt::Write;
        let numbers = numbers.min(NUMBERS);
        for k in self.numbers..numbers {
            // Writing to a `String` cannot fail.
            let _ = write!(self.digits, "{k}");
        }
        self.numbers = self.numbers.max(numbers);
    }

    fn add(&mut self, hash: u64, name: &str) -> u32 {
        // Two billion different labels, or 4 GiB of them, cannot fit in memory;
        // saturate below `NUMBER` rather than wrap.
        let (Ok(i), Ok(end)) = (
            u32::try_from(self.ends.len()),
            u32::try_from(self.text.len() + name.len()),
        ) else {
            return NUMBER - 1;
        };
        if i >= NUMBER - 1 {
            return NUMBER - 1;
        }
        self.text.push_str(name);
        self.ends.push(end);
        let (text, ends) = (&self.text, &self.ends);
        self.index.insert_unique(hash, i, |&j| {
            label_hash(label_at(text, ends, j).unwrap_or(""))
        });
        i
    }

    fn get(&self, label: u32) -> Option<&str> {
        match label.checked_sub(NUMBER) {
            Some(n) if n < self.numbers => {
                let (at, width) = digits_at(n);
                self.digits.get(at..at + width)
            }
            Some(_) => None,
            None => label_at(&self.text, &self.ends, label),
        }
    }

    /// The index of `name`, if the tree has ever seen it.
    fn find(&self, name: &str) -> Option<u32> {
        if let Some(n) = label_number(name) {
            return (n < self.numbers).then_some(NUMBER + n);
        }
        self.index
            .find(label_hash(name), |&i| self.get(i) == Some(name))
            .copied()
    }

    /// Takes in the labels of `other`, a tree whose nodes move into this one: returns
    /// the id here of each label by its id there (a number's is the same in both).
    fn absorb(&mut self, other: Labels) -> impl Fn(u32) -> u32 + use<> {
        self.text.reserve(other.text.len());
        self.ends.reserve(other.ends.len());
        let (text, ends) = (&self.text, &self.ends);
        self.index.reserve(other.ends.len(), |&j| {
            label_hash(label_at(text, ends, j).unwrap_or(""))
        });
        let mut ids = Vec::with_capacity(other.ends.len());
        let mut start = 0;
        for &end in &other.ends {
            ids.push(self.intern(other.text.get(start..end as usize).unwrap_or("")));
            start = end as usize;
        }
        self.cover(other.numbers);
        move |l: u32| {
            if l >= NUMBER {
                l
            } else {
                ids.get(l as usize).copied().unwrap_or(NO_LABEL)
            }
        }
    }
}

/// Label `i` of a [`Labels`]' text and ends.
fn label_at<'t>(text: &'t str, ends: &[u32], i: u32) -> Option<&'t str> {
    let i = i as usize;
    let end = *ends.get(i)? as usize;
    let start = match i.checked_sub(1) {
        Some(before) => *ends.get(before)? as usize,
        None => 0,
    };
    text.get(start..end)
}

/// Sibling lists at least this long get indexes (by label, by position) when looked up.
const INDEX_MIN_CHILDREN: usize = 32;

/// Lookup indexes of long sibling lists, built on first use and dropped for a parent as
/// soon as its children or their labels change, so that finding a child by name or a
/// node's position does not scan every sibling (which made loops over many matches
/// quadratic).
#[derive(Debug, Default)]
struct SiblingIndexes {
    /// Per parent: its labelled children as (label, position) pairs, sorted, so that the
    /// children with one label are a run in document order (8 bytes a child).
    by_label: FxHashMap<NodeId, Vec<(u32, u32)>>,
    /// Per parent: the position of each child.
    position: FxHashMap<NodeId, FxHashMap<NodeId, usize>>,
}

/// The indexes of a tree, behind a lock so that lookups through `&Tree` can build them
/// (the tree stays `Sync`).
#[derive(Debug, Default)]
struct IndexCache(Mutex<SiblingIndexes>);

impl Clone for IndexCache {
    /// A copy of a tree starts without indexes (they are rebuilt when needed).
    fn clone(&self) -> Self {
        IndexCache::default()
    }
}

impl IndexCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, SiblingIndexes> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Drops the indexes of `parent`'s children (they changed).
    fn forget(&mut self, parent: NodeId) {
        let ix = self.0.get_mut().unwrap_or_else(PoisonError::into_inner);
        if !ix.by_label.is_empty() {
            ix.by_label.remove(&parent);
        }
        if !ix.position.is_empty() {
            ix.position.remove(&parent);
        }
    }
}

/// An ordered tree of labelled nodes. The root has no label.
///
/// Changes can be grouped into transactions ([`Tree::begin`], [`Tree::commit`],
/// [`Tree::rollback`], or [`Tree::atomic`]): while one is open, every change records how to
/// undo it, and removed nodes stay in the arena (detached) until the outermost transaction
/// commits, so a rollback restores the tree exactly: the same nodes with the same
/// identities, labels, values, order and flags.
///
/// Two trees are equal when they hold the same live nodes (same identities) with the same
/// labels, values, children, flags and spans.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Store,
    labels: Labels,
    /// Span information of the nodes read with spans enabled.
    spans: FxHashMap<NodeId, NodeSpan>,
    /// Lookup indexes of long sibling lists (a cache: not part of the tree's value).
    indexes: IndexCache,
    root: NodeId,
    /// How to undo the changes of the open transactions, oldest first.
    undo: Vec<Undo>,
    /// How many transactions are open (nested ones included).
    depth: u32,
}

impl PartialEq for Tree {
    fn eq(&self, other: &Tree) -> bool {
        let same = |id: NodeId, n: &Node| {
            other.nodes.get(id).is_some_and(|o| {
                o.meta == n.meta
                    && self.nodes.value(id) == other.nodes.value(id)
                    && self.nodes.parent(id) == other.nodes.parent(id)
                    && self.nodes.children(id) == other.nodes.children(id)
                    && self.labels.get(n.label) == other.labels.get(o.label)
                    && self.spans.get(&id) == other.spans.get(&id)
            })
        };
        self.root == other.root
            && self.nodes.len() == other.nodes.len()
            && self.nodes.iter().all(|(id, n)| same(id, n))
    }
}

impl Eq for Tree {}

/// One change of an open transaction, with what it takes to undo it.
#[derive(Debug, Clone)]
enum Undo {
    /// A node was created (with any descendants created along): drop it.
    Created(NodeId),
    /// A child was inserted at `index` of `parent`.
    Inserted { parent: NodeId, index: usize },
    /// The child at `index` of `parent` was taken out (moved or removed).
    Detached {
        parent: NodeId,
        index: usize,
        id: NodeId,
    },
    /// Children were appended to `parent`, which had `len` before.
    Appended { parent: NodeId, len: usize },
    /// The children of `parent` were replaced.
    Children { parent: NodeId, old: Vec<NodeId> },
    /// The parent link of `id` changed.
    Parent { id: NodeId, old: Option<NodeId> },
    /// The value of `id` changed.
    Value {
        id: NodeId,
        old: Option<CompactString>,
    },
    /// The label of `id` changed.
    Label { id: NodeId, old: u32 },
    /// The flags and origin of `id` changed.
    Meta { id: NodeId, old: u32 },
    /// The span of `id` changed.
    Span { id: NodeId, old: Option<NodeSpan> },
    /// The subtree at `id` was removed; it is dropped when the outermost transaction commits.
    Removed(NodeId),
}

/// Where [`Tree::absorb`] put another tree's nodes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Absorbed {
    base: u32,
}

impl Absorbed {
    /// The id here of the other tree's node `id`.
    pub(crate) fn id(self, id: NodeId) -> NodeId {
        store::shifted(id, self.base)
    }
}

/// An open transaction of a [`Tree`] (see [`Tree::begin`]).
#[derive(Debug)]
#[must_use = "a transaction must be committed or rolled back"]
pub struct Savepoint {
    mark: usize,
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
        let mut nodes = Store::default();
        let root = nodes.insert(NO_LABEL, NO_ORIGIN, None, None);
        Tree {
            nodes,
            labels: Labels::default(),
            spans: FxHashMap::default(),
            indexes: IndexCache::default(),
            root,
            undo: Vec::new(),
            depth: 0,
        }
    }

    /// Opens a transaction: until the matching [`Tree::commit`] or [`Tree::rollback`],
    /// every change can be undone. Transactions nest; only the outermost commit makes
    /// removals final.
    pub fn begin(&mut self) -> Savepoint {
        self.depth += 1;
        Savepoint {
            mark: self.undo.len(),
        }
    }

    /// Closes the transaction `sp`, keeping its changes.
    pub fn commit(&mut self, sp: Savepoint) {
        debug_assert!(self.depth > 0 && sp.mark <= self.undo.len());
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            let undo = std::mem::take(&mut self.undo);
            for u in undo {
                if let Undo::Removed(id) = u {
                    self.drop_subtree(id);
                }
            }
        }
    }

    /// Closes the transaction `sp`, undoing every change made since it began.
    pub fn rollback(&mut self, sp: Savepoint) {
        debug_assert!(self.depth > 0 && sp.mark <= self.undo.len());
        while self.undo.len() > sp.mark {
            let Some(u) = self.undo.pop() else { break };
            self.revert(u);
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Runs `f` as one transaction: when it fails, the tree is left exactly as it was.
    pub fn atomic<T, E>(&mut self, f: impl FnOnce(&mut Tree) -> Result<T, E>) -> Result<T, E> {
        let sp = self.begin();
        let r = f(self);
        match r {
            Ok(_) => self.commit(sp),
            Err(_) => self.rollback(sp),
        }
        r
    }

    /// Whether a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.depth > 0
    }

    fn log(&mut self, u: Undo) {
        if self.depth > 0 {
            self.undo.push(u);
        }
    }

    /// Records the flags of `id` before they change.
    fn log_flags(&mut self, id: NodeId) {
        if self.depth > 0
            && let Some(n) = self.nodes.get(id)
        {
            let u = Undo::Meta { id, old: n.meta };
            self.undo.push(u);
        }
    }

    fn revert(&mut self, u: Undo) {
        match &u {
            Undo::Inserted { parent, .. }
            | Undo::Detached { parent, .. }
            | Undo::Appended { parent, .. }
            | Undo::Children { parent, .. } => self.indexes.forget(*parent),
            Undo::Label { id, .. } => {
                if let Some(p) = self.parent(*id) {
                    self.indexes.forget(p);
                }
            }
            _ => {}
        }
        match u {
            Undo::Created(id) => {
                self.drop_subtree(id);
            }
            Undo::Inserted { parent, index } => {
                self.nodes.remove_kid(parent, index);
            }
            Undo::Detached { parent, index, id } => {
                self.nodes.insert_kid(parent, index, id);
            }
            Undo::Appended { parent, len } => {
                self.nodes.truncate_kids(parent, len);
            }
            Undo::Children { parent, old } => {
                self.nodes.replace_kids(parent, &old);
            }
            Undo::Parent { id, old } => {
                self.nodes.set_parent(id, old);
            }
            Undo::Value { id, old } => {
                self.nodes.set_value(id, old.as_deref());
            }
            Undo::Label { id, old } => {
                if let Some(n) = self.nodes.get_mut(id) {
                    n.label = old;
                }
            }
            Undo::Meta { id, old } => {
                if let Some(n) = self.nodes.get_mut(id) {
                    n.meta = old;
                }
            }
            Undo::Span { id, old } => {
                if self.nodes.contains(id) {
                    match old {
                        Some(span) => self.spans.insert(id, span),
                        None => self.spans.remove(&id),
                    };
                }
            }
            Undo::Removed(_) => {}
        }
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// Whether `id` names a live node of this tree.
    pub fn contains(&self, id: NodeId) -> bool {
        self.nodes.contains(id)
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
        self.labels.get(self.nodes.get(id)?.label)
    }

    /// The tree's number for the label of `id` (equal numbers, equal labels), `None` when
    /// [`Tree::label`] is `None`: comparing labels without reading them.
    pub(crate) fn label_sym(&self, id: NodeId) -> Option<u32> {
        let sym = self.nodes.get(id)?.label;
        (sym != NO_LABEL).then_some(sym)
    }

    /// The value of `id`, `None` when it has none.
    pub fn value(&self, id: NodeId) -> Option<&str> {
        self.nodes.value(id)
    }

    /// The parent of `id`; `None` for the root or a removed node.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.nodes.parent(id)
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> &[NodeId] {
        self.nodes.children(id)
    }

    /// The first child of `id` labelled `label`.
    pub fn child(&self, id: NodeId, label: &str) -> Option<NodeId> {
        self.children_labelled(id, label).first().copied()
    }

    /// The children of `parent` labelled `label`, in order. Long sibling lists are
    /// indexed by label on the first lookup (until they change), so looking up one child
    /// after another among many siblings takes time proportional to the answers.
    pub fn children_labelled(&self, parent: NodeId, label: &str) -> Vec<NodeId> {
        if !self.nodes.contains(parent) {
            return Vec::new();
        }
        let Some(sym) = self.labels.find(label) else {
            return Vec::new();
        };
        let kids = self.nodes.children(parent);
        if kids.len() < INDEX_MIN_CHILDREN {
            return kids
                .iter()
                .copied()
                .filter(|&c| self.nodes.get(c).is_some_and(|n| n.label == sym))
                .collect();
        }
        let mut indexes = self.indexes.lock();
        let by_label = indexes.by_label.entry(parent).or_insert_with(|| {
            let mut pairs: Vec<(u32, u32)> = kids
                .iter()
                .enumerate()
                .filter_map(|(i, &c)| {
                    let label = self.nodes.get(c)?.label;
                    (label != NO_LABEL).then_some((label, u32::try_from(i).ok()?))
                })
                .collect();
            pairs.sort_unstable();
            pairs
        });
        let from = by_label.partition_point(|&(l, _)| l < sym);
        let to = by_label.partition_point(|&(l, _)| l <= sym);
        by_label
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .filter_map(|&(_, i)| kids.get(i as usize).copied())
            .collect()
    }

    /// The span information of `id`, when it was read with spans enabled.
    pub fn span(&self, id: NodeId) -> Option<&NodeSpan> {
        self.spans.get(&id)
    }

    /// Records span information for `id`.
    pub(crate) fn set_span(&mut self, id: NodeId, span: Option<NodeSpan>) {
        if self.nodes.contains(id) {
            let old = match span {
                Some(span) => self.spans.insert(id, span),
                None => self.spans.remove(&id),
            };
            self.log(Undo::Span { id, old });
        }
    }

    /// The dirty flag of `id` itself (what `modified()` tests).
    pub fn is_dirty(&self, id: NodeId) -> bool {
        self.nodes.get(id).is_some_and(|n| n.has(META_DIRTY))
    }

    /// Whether `id` is the root of a file's subtree.
    pub fn is_file(&self, id: NodeId) -> bool {
        self.nodes.get(id).is_some_and(|n| n.has(META_FILE))
    }

    /// Marks `id` as the root of a file's subtree (or not).
    pub(crate) fn set_file(&mut self, id: NodeId, file: bool) {
        self.log_flags(id);
        if let Some(n) = self.nodes.get_mut(id) {
            n.put(META_FILE, file);
        }
    }

    /// The nearest ancestor-or-self of `id` that is a file root.
    pub fn file_of(&self, id: NodeId) -> Option<NodeId> {
        self.ancestors_or_self(id).find(|&a| self.is_file(a))
    }

    /// Marks `id` dirty, and the file it belongs to (as Augeas's `tree_mark_dirty`).
    pub fn mark_dirty(&mut self, id: NodeId) {
        if self.nodes.get(id).is_some_and(|n| !n.has(META_DIRTY)) {
            self.log_flags(id);
        }
        if let Some(n) = self.nodes.get_mut(id) {
            n.put(META_DIRTY, true);
        }
        let mut cur = Some(id);
        let mut in_file = true;
        while let Some(c) = cur {
            let Some(n) = self.nodes.get(c) else {
                return;
            };
            let file = in_file && n.has(META_FILE);
            if !n.has(META_TOUCHED) || (file && !n.has(META_DIRTY)) {
                self.log_flags(c);
            }
            let Some(n) = self.nodes.get_mut(c) else {
                return;
            };
            n.put(META_TOUCHED, true);
            if file {
                n.put(META_DIRTY, true);
                in_file = false;
            }
            cur = self.nodes.parent(c);
        }
    }

    /// Records that something under `id` changed without dirtying anything (a graft).
    fn touch(&mut self, id: NodeId) {
        let mut cur = Some(id);
        while let Some(c) = cur {
            if self.nodes.get(c).is_some_and(|n| !n.has(META_TOUCHED)) {
                self.log_flags(c);
            }
            let Some(n) = self.nodes.get_mut(c) else {
                return;
            };
            n.put(META_TOUCHED, true);
            cur = self.nodes.parent(c);
        }
    }

    /// Clears the dirty flag of `id` and of all its descendants. Only the subtrees where
    /// something changed are visited.
    pub(crate) fn clear_dirty(&mut self, id: NodeId) {
        let mut stack = vec![id];
        while let Some(d) = stack.pop() {
            if self
                .nodes
                .get(d)
                .is_some_and(|n| n.has(META_DIRTY | META_TOUCHED))
            {
                self.log_flags(d);
            }
            if let Some(n) = self.nodes.get_mut(d) {
                n.put(META_DIRTY, false);
                if n.take(META_TOUCHED) || d == id {
                    stack.extend_from_slice(self.nodes.children(d));
                }
            }
        }
    }

    /// Removes, below `id`, every node without children that belongs to no file (neither
    /// a file's node nor inside one), children first, so that a node left without
    /// children by that goes too; `keep` stays. This is what Augeas's load does to the
    /// nodes under `/files` that belong to no file: they go even when a save cleaned them
    /// (`set /files/etc/x v`, `save`, `load` leaves no `x`). A file's node and what is
    /// below it stay as they are, changes included: the files a load reads again were
    /// replaced already, and a file's tree that no longer sits at its file's path (a
    /// `rename` of it or of a directory above it) keeps what the user did to it, as in
    /// Augeas. Only the nodes outside files are visited.
    pub(crate) fn remove_stray_leaves(&mut self, id: NodeId, keep: Option<NodeId>) {
        let mut order = Vec::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            if n != id && self.is_file(n) {
                continue;
            }
            order.push(n);
            stack.extend_from_slice(self.children(n));
        }
        for &n in order.iter().rev() {
            if n != id && Some(n) != keep && self.nodes.children(n).is_empty() {
                self.remove(n);
            }
        }
    }

    /// Clears every dirty flag below `id`, as Augeas does after each save, whether the
    /// files could be written or not, and after each load. Below files' nodes and the
    /// nodes of `keep` the records of what changed stay (a file whose save failed, or
    /// that a load did not read again, still differs from its text there), so that their
    /// next save still knows which nodes to write afresh; they go only when the file's
    /// text is read or written ([`Tree::clear_dirty`] of its node).
    pub(crate) fn clear_dirty_keeping(&mut self, id: NodeId, keep: &[NodeId]) {
        let keep: FxHashSet<NodeId> = keep.iter().copied().collect();
        let mut stack = vec![(id, false)];
        while let Some((d, keeping)) = stack.pop() {
            if self
                .nodes
                .get(d)
                .is_some_and(|n| n.has(META_DIRTY) || (n.has(META_TOUCHED) && !keeping))
            {
                self.log_flags(d);
            }
            let keeping =
                keeping || keep.contains(&d) || self.nodes.get(d).is_some_and(|n| n.has(META_FILE));
            if let Some(n) = self.nodes.get_mut(d) {
                n.put(META_DIRTY, false);
                let descend = if keeping {
                    n.has(META_TOUCHED)
                } else {
                    n.take(META_TOUCHED)
                };
                if descend || d == id {
                    stack.extend(self.nodes.children(d).iter().map(|&c| (c, keeping)));
                }
            }
        }
    }

    /// Which entry of its file's recorded layout `id` was read from, when nothing in its
    /// subtree changed since (moving, editing or adding below it all count as changes).
    pub(crate) fn origin(&self, id: NodeId) -> Option<u32> {
        let n = self.nodes.get(id)?;
        (!n.has(META_TOUCHED) && n.origin() != NO_ORIGIN).then_some(n.origin())
    }

    /// Records that `id` holds entry `origin` of its file's layout, unchanged.
    pub(crate) fn set_origin(&mut self, id: NodeId, origin: u32) {
        self.log_flags(id);
        if let Some(n) = self.nodes.get_mut(id) {
            n.set_origin(origin);
            n.put(META_TOUCHED, false);
        }
    }

    /// Sets the value of `id`. Marks the node dirty only when the value changes.
    /// Returns `false` when `id` is not a live node.
    pub fn set_value(&mut self, id: NodeId, value: Option<&str>) -> bool {
        if !self.nodes.contains(id) {
            return false;
        }
        let old = self.nodes.value(id);
        if old != value {
            let old = old.map(CompactString::from);
            self.nodes.set_value(id, value);
            self.log(Undo::Value { id, old });
            self.mark_dirty(id);
        }
        true
    }

    /// Sets the label of `id`. Marks the node dirty only when the label changes.
    pub fn set_label(&mut self, id: NodeId, label: Option<&str>) -> bool {
        let Some(n) = self.nodes.get(id) else {
            return false;
        };
        if self.labels.get(n.label) != label {
            if let Some(p) = self.nodes.parent(id) {
                self.indexes.forget(p);
            }
            let sym = label.map_or(NO_LABEL, |l| self.labels.intern(l));
            if let Some(n) = self.nodes.get_mut(id) {
                let old = std::mem::replace(&mut n.label, sym);
                self.log(Undo::Label { id, old });
                self.mark_dirty(id);
            }
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
        if !self.nodes.contains(parent) {
            return None;
        }
        let label = label.map_or(NO_LABEL, |l| self.labels.intern(l));
        let id = self.nodes.insert(label, NO_ORIGIN, value, Some(parent));
        self.log(Undo::Created(id));
        self.indexes.forget(parent);
        let index = self.nodes.insert_kid(parent, index, id)?;
        self.log(Undo::Inserted { parent, index });
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

    /// The position of `id` among its parent's children (0-based). Long sibling lists
    /// are indexed by position on the first lookup (until they change).
    pub fn index_in_parent(&self, id: NodeId) -> Option<usize> {
        let parent = self.parent(id)?;
        let kids = self.children(parent);
        if kids.len() < INDEX_MIN_CHILDREN {
            return kids.iter().position(|&c| c == id);
        }
        let mut indexes = self.indexes.lock();
        let position = indexes
            .position
            .entry(parent)
            .or_insert_with(|| kids.iter().enumerate().map(|(i, &c)| (c, i)).collect());
        position.get(&id).copied()
    }

    /// Builds `sub` as child number `index` of `parent`, without marking anything dirty
    /// (this is how a lens's get result enters the tree). Returns the new node.
    pub fn graft(&mut self, parent: NodeId, index: usize, sub: Subtree) -> Option<NodeId> {
        if !self.nodes.contains(parent) {
            return None;
        }
        let id = self.build(parent, sub);
        self.log(Undo::Created(id));
        self.indexes.forget(parent);
        let index = self.nodes.insert_kid(parent, index, id)?;
        self.log(Undo::Inserted { parent, index });
        self.touch(parent);
        Some(id)
    }

    fn build(&mut self, parent: NodeId, sub: Subtree) -> NodeId {
        // Iterative to stay safe on deeply nested input.
        let label = sub.label.map_or(NO_LABEL, |l| self.labels.intern(&l));
        let id = self
            .nodes
            .insert(label, NO_ORIGIN, sub.value.as_deref(), Some(parent));
        if let Some(span) = sub.span {
            self.spans.insert(id, span);
        }
        let mut stack: Vec<(NodeId, std::vec::IntoIter<Subtree>)> =
            vec![(id, sub.children.into_iter())];
        while let Some((p, iter)) = stack.last_mut() {
            let p = *p;
            match iter.next() {
                Some(child) => {
                    let label = child.label.map_or(NO_LABEL, |l| self.labels.intern(&l));
                    let cid = self
                        .nodes
                        .insert(label, NO_ORIGIN, child.value.as_deref(), Some(p));
                    if let Some(span) = child.span {
                        self.spans.insert(cid, span);
                    }
                    self.nodes.extend_kids(p, &[cid]);
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
    /// `label` is the label's id ([`Tree::label_id`]), `None` for no label.
    pub(crate) fn new_detached(
        &mut self,
        label: Option<u32>,
        value: Option<&str>,
        span: Option<NodeSpan>,
        children: &[NodeId],
    ) -> NodeId {
        let id = (self.nodes).insert_over(label.unwrap_or(NO_LABEL), NO_ORIGIN, value, children);
        if let Some(span) = span {
            self.spans.insert(id, span);
        }
        self.log(Undo::Created(id));
        id
    }

    /// The id of the label `name` for [`Tree::new_detached`], added to the tree's labels
    /// if new. Ids stay valid for the tree's life.
    pub(crate) fn label_id(&mut self, name: &str) -> u32 {
        self.labels.intern(name)
    }

    /// The id of the label that is the number `n` (see [`Tree::label_id`]).
    pub(crate) fn number_label_id(&mut self, n: u64) -> u32 {
        match u32::try_from(n) {
            Ok(n) if n < NUMBERS => self.labels.number(n),
            _ => self.labels.intern(&n.to_compact_string()),
        }
    }

    /// Appends detached nodes (see [`Tree::new_detached`]) as the last children of
    /// `parent`, without marking anything dirty. Returns `false` if `parent` is gone.
    pub(crate) fn adopt(&mut self, parent: NodeId, kids: Vec<NodeId>) -> bool {
        if !self.contains(parent) {
            return false;
        }
        for &c in &kids {
            if self.nodes.contains(c) {
                let old = self.nodes.set_parent(c, Some(parent));
                self.log(Undo::Parent { id: c, old });
            }
        }
        let len = self.children(parent).len();
        self.log(Undo::Appended { parent, len });
        self.indexes.forget(parent);
        self.nodes.extend_kids(parent, &kids);
        true
    }

    /// Drops nodes created with [`Tree::new_detached`] that were never adopted, with their
    /// descendants; nodes already removed (as descendants of others in `ids`) are skipped.
    pub(crate) fn discard(&mut self, ids: &[NodeId]) {
        for &id in ids {
            self.remove_detached(id);
        }
    }

    /// Moves the nodes of `other`, a tree whose nodes were all made with
    /// [`Tree::new_detached`] (by a get on another thread), into this tree, detached as
    /// they were there; `other`'s root goes. Node `id` of `other` is then
    /// [`Absorbed::id`]`(id)` here, with the same label, value, span and children. `None`,
    /// with nothing moved, when this tree cannot hold that many more nodes.
    ///
    /// Takes time linear in `other`'s size, and never holds two copies of it.
    pub(crate) fn absorb(&mut self, mut other: Tree) -> Option<Absorbed> {
        let other_root = other.root;
        other.nodes.remove(other_root);
        let Tree {
            nodes,
            labels,
            spans,
            ..
        } = other;
        let label = self.labels.absorb(labels);
        let end = self.nodes.slots() + nodes.slots();
        let base = self.nodes.absorb(nodes, label)?;
        let moved = Absorbed { base };
        self.spans.reserve(spans.len());
        for (id, span) in spans {
            self.spans.insert(moved.id(id), span);
        }
        if self.depth > 0 {
            // A rollback drops them again (their descendants go with them).
            for id in self.nodes.roots_in(base as usize..end) {
                self.undo.push(Undo::Created(id));
            }
        }
        Some(moved)
    }

    /// A copy of the subtree at `id` as plain data.
    pub fn extract(&self, id: NodeId) -> Option<Subtree> {
        let n = self.nodes.get(id)?;
        let kids = self.nodes.children(id);
        let mut out = Subtree {
            label: self.labels.get(n.label).map(str::to_owned),
            value: self.nodes.value(id).map(str::to_owned),
            span: self.spans.get(&id).cloned(),
            children: Vec::with_capacity(kids.len()),
        };
        for &c in kids {
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
            self.detach(id, parent);
            self.mark_dirty(parent);
        }
        self.remove_detached(id)
    }

    /// Takes `id` out of the children of `parent`.
    fn detach(&mut self, id: NodeId, parent: NodeId) {
        if let Some(index) = self.nodes.children(parent).iter().position(|&c| c == id) {
            self.indexes.forget(parent);
            self.nodes.remove_kid(parent, index);
            self.log(Undo::Detached { parent, index, id });
        }
    }

    /// Drops the subtree at `id`, which is no longer anyone's child; inside a transaction
    /// it is only unlinked from its parent and dropped at the outermost commit. Returns the
    /// number of nodes removed.
    fn remove_detached(&mut self, id: NodeId) -> usize {
        if self.depth == 0 {
            return self.drop_subtree(id);
        }
        if !self.contains(id) {
            return 0;
        }
        let count = self.subtree_size(id);
        let old = self.nodes.set_parent(id, None);
        self.log(Undo::Parent { id, old });
        self.log(Undo::Removed(id));
        count
    }

    /// Removes several nodes at once in time linear in the size of the affected sibling
    /// lists. Nodes already removed as descendants of others are skipped. Returns the number
    /// of nodes removed.
    pub fn remove_many(&mut self, ids: &[NodeId]) -> usize {
        let doomed: FxHashSet<NodeId> = ids
            .iter()
            .copied()
            .filter(|&i| i != self.root && self.contains(i))
            .collect();
        // Only the topmost doomed nodes are taken out; the others go with them.
        let mut parents: Vec<NodeId> = Vec::new();
        for &id in &doomed {
            let mut up = self.parent(id);
            let mut top = true;
            while let Some(a) = up {
                if doomed.contains(&a) {
                    top = false;
                    break;
                }
                up = self.parent(a);
            }
            if top && let Some(p) = self.parent(id) {
                parents.push(p);
            }
        }
        parents.sort_unstable();
        parents.dedup();
        let mut count = 0;
        for p in parents {
            if !self.nodes.contains(p) {
                continue;
            }
            self.indexes.forget(p);
            let mut gone = Vec::new();
            let stay: Vec<NodeId> = self
                .nodes
                .children(p)
                .iter()
                .copied()
                .filter(|c| {
                    let doom = doomed.contains(c);
                    if doom {
                        gone.push(*c);
                    }
                    !doom
                })
                .collect();
            let kids = self.nodes.replace_kids(p, &stay);
            self.log(Undo::Children {
                parent: p,
                old: kids,
            });
            if !gone.is_empty() {
                self.mark_dirty(p);
            }
            for g in gone {
                count += self.remove_detached(g);
            }
        }
        count
    }

    fn drop_subtree(&mut self, id: NodeId) -> usize {
        let mut stack = vec![id];
        let mut count = 0;
        while let Some(n) = stack.pop() {
            if let Some(kids) = self.nodes.remove(n) {
                count += 1;
                self.indexes.forget(n);
                if !self.spans.is_empty() {
                    self.spans.remove(&n);
                }
                stack.extend(kids);
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
        let moved = self.relink(id, new_parent, index);
        if moved {
            self.mark_dirty(id);
        }
        moved
    }

    /// [`Tree::move_to`] without marking `id` itself dirty (its old and new parents are):
    /// how `aug_mv` moves the source's children, which keep their own flags. A file node
    /// moved so is saved only if something in it changes (as in Augeas, where a clean
    /// subtree moved elsewhere is not written there).
    pub(crate) fn relink(&mut self, id: NodeId, new_parent: NodeId, index: usize) -> bool {
        if !self.contains(id) || !self.contains(new_parent) || id == self.root {
            return false;
        }
        if self.is_ancestor_or_self(id, new_parent) {
            return false;
        }
        if let Some(old) = self.parent(id) {
            self.detach(id, old);
            self.mark_dirty(old);
        }
        let len = self.children(new_parent).len();
        let index = index.min(len);
        self.indexes.forget(new_parent);
        if let Some(index) = self.nodes.insert_kid(new_parent, index, id) {
            self.log(Undo::Inserted {
                parent: new_parent,
                index,
            });
        }
        let old = self.nodes.set_parent(id, Some(new_parent));
        self.log(Undo::Parent { id, old });
        self.mark_dirty(new_parent);
        // Moved, the node no longer holds what its file's layout says it came from (it
        // may even sit in another file now: `mv` of a file onto another keeps the target's
        // node and moves the children).
        self.touch(id);
        true
    }

    /// Copies the subtree `src` to become child number `index` of `new_parent`. The copy is
    /// marked dirty and has no spans. Hidden nodes (no label, such as the blank lines some
    /// lenses keep) below `src` are not copied, as in Augeas. Returns the copy's id.
    pub fn copy_to(&mut self, src: NodeId, new_parent: NodeId, index: usize) -> Option<NodeId> {
        let mut sub = self.extract(src)?;
        prepare_copy(&mut sub);
        let id = self.graft(new_parent, index, sub)?;
        let all: Vec<NodeId> = self.descendants_or_self(id).collect();
        for n in all {
            self.log_flags(n);
            if let Some(node) = self.nodes.get_mut(n) {
                node.put(META_DIRTY | META_TOUCHED, true);
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

/// Drops the spans and the hidden descendants of a copy.
fn prepare_copy(sub: &mut Subtree) {
    let mut stack = vec![sub];
    while let Some(s) = stack.pop() {
        s.span = None;
        s.children.retain(|c| c.label.is_some());
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

    /// Every label reads back as it was given, numbers (kept by number) or not, and one
    /// text has one id; a tree's labels moved into another keep their texts there.
    #[test]
    fn labels_read_back_numbers_included() {
        let names = [
            "0", "9", "10", "99", "100", "1000", "65535", "99999", "100000", "131071", "131072",
            "1000000", "007", "00", "-1", "+1", "1a", "", "x", "#comment", "٣",
        ];
        let mut l = Labels::default();
        let ids: Vec<u32> = names.iter().map(|n| l.intern(n)).collect();
        for (n, &id) in names.iter().zip(&ids) {
            assert_eq!(l.get(id), Some(*n), "{n}");
            assert_eq!(l.intern(n), id, "{n} again");
            assert_eq!(l.find(n), Some(id), "{n} found");
        }
        assert_eq!(label_number("131071"), Some(NUMBERS - 1));
        assert_eq!(label_number("131072"), None);
        assert!(
            l.find("5").is_some(),
            "every number up to the biggest is written"
        );
        assert_eq!(l.find("y"), None);
        // Every number's text, in a tree that saw only the last one.
        let mut m = Labels::default();
        m.intern("4321");
        for n in 0..=4321u32 {
            assert_eq!(m.get(NUMBER + n), Some(n.to_string().as_str()));
        }
        assert_eq!(m.get(NUMBER + 4322), None);
        // Moved into a tree that has seen fewer numbers, and other labels.
        let mut main = Labels::default();
        let x = main.intern("x");
        main.intern("12");
        let label = main.absorb(l);
        for (n, &id) in names.iter().zip(&ids) {
            assert_eq!(main.get(label(id)), Some(*n), "{n} moved");
        }
        assert_eq!(label(ids[18]), x, "a label both trees have is one");
        assert_eq!(label(NO_LABEL), NO_LABEL);
    }

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
    fn relink_keeps_the_moved_nodes_flags() {
        let mut t = Tree::new();
        let r = t.root();
        let from = t.graft(r, 0, Subtree::new(Some("from"), None)).unwrap();
        let to = t.graft(r, 1, Subtree::new(Some("to"), None)).unwrap();
        let f = t.graft(from, 0, Subtree::new(Some("file"), None)).unwrap();
        t.set_file(f, true);
        assert!(t.relink(f, to, 0));
        assert_eq!(t.children(to), &[f]);
        assert!(!t.is_dirty(f), "the moved node keeps its (clean) flag");
        assert!(t.is_dirty(from) && t.is_dirty(to));
        // move_to, the public move, marks the node it moves.
        assert!(t.move_to(f, from, 0));
        assert!(t.is_dirty(f));
    }

    /// A tree with a file under `/files` and a few levels, clean.
    fn sample() -> (Tree, NodeId) {
        let mut t = Tree::new();
        let r = t.root();
        let files = t.graft(r, 0, Subtree::new(Some("files"), None)).unwrap();
        let mut hosts = Subtree::new(Some("hosts"), None);
        for i in 1..=3 {
            let mut e = Subtree::new(Some(&i.to_string()), None);
            e.children
                .push(Subtree::new(Some("ipaddr"), Some("10.0.0.1")));
            e.children.push(Subtree::new(Some("alias"), Some("a")));
            hosts.children.push(e);
        }
        let f = t.graft(files, 0, hosts).unwrap();
        t.set_file(f, true);
        t.clear_dirty(r);
        (t, f)
    }

    /// Nodes made in another tree come over with their labels (which that tree numbered
    /// its own way), values, spans and children; in a transaction, a rollback drops
    /// them again and leaves the tree as it was.
    #[test]
    fn absorbed_nodes_keep_everything_and_roll_back() {
        let mut t = Tree::new();
        let root = t.root();
        t.append_child(root, Some("kept"), Some("1")).unwrap();
        let before = t.clone();
        let mut side = Tree::new();
        let (x, a) = (side.label_id("x"), side.label_id("a"));
        let span = NodeSpan {
            label: 0..1,
            value: 2..5,
            span: 0..5,
        };
        let leaf = side.new_detached(Some(x), Some("a long value"), Some(span.clone()), &[]);
        let top = side.new_detached(Some(a), Some("v"), None, &[leaf]);
        let sp = t.begin();
        let moved = t.absorb(side).unwrap();
        let (top, leaf) = (moved.id(top), moved.id(leaf));
        assert_eq!(t.label(top), Some("a"));
        assert_eq!(t.value(top), Some("v"));
        assert_eq!(t.children(top), &[leaf]);
        assert_eq!(t.parent(leaf), Some(top));
        assert_eq!(t.label(leaf), Some("x"));
        assert_eq!(t.value(leaf), Some("a long value"));
        assert_eq!(t.span(leaf), Some(&span));
        assert!(t.adopt(root, vec![top]));
        assert_eq!(t.len(), 4);
        t.rollback(sp);
        assert!(!t.contains(top) && !t.contains(leaf));
        assert!(t == before);
    }

    #[test]
    fn rollback_restores_every_kind_of_change() {
        let (mut t, f) = sample();
        let before = t.clone();
        let sp = t.begin();
        let kids = t.children(f).to_vec();
        let new = t.append_child(f, Some("4"), Some("x")).unwrap();
        t.append_child(new, Some("deep"), None).unwrap();
        t.set_value(t.children(kids[0])[0], Some("changed"));
        t.set_label(kids[1], Some("renamed"));
        assert!(t.move_to(kids[2], new, 0));
        t.copy_to(kids[0], new, usize::MAX).unwrap();
        assert_eq!(t.remove(kids[0]), 3);
        t.remove_many(&[kids[1], t.children(kids[1])[0]]);
        t.graft(f, 0, Subtree::new(Some("#comment"), Some("c")));
        t.clear_children(new);
        t.set_file(f, false);
        t.set_span(f, Some(NodeSpan::default()));
        assert_ne!(t, before);
        t.rollback(sp);
        assert_eq!(t, before, "rollback restores nodes, order and flags");
        assert!(!t.is_dirty(f) && !t.in_transaction());
        assert_eq!(
            t.children(f),
            kids.as_slice(),
            "same identities, same order"
        );
    }

    #[test]
    fn commit_keeps_changes_and_frees_removed_nodes() {
        let (mut t, f) = sample();
        let kids = t.children(f).to_vec();
        let sp = t.begin();
        assert_eq!(t.remove(kids[1]), 3);
        assert!(t.contains(kids[1]), "removed nodes wait for the commit");
        assert_eq!(t.parent(kids[1]), None);
        t.commit(sp);
        assert!(!t.contains(kids[1]));
        assert_eq!(t.children(f), &[kids[0], kids[2]]);
        assert!(t.is_dirty(f));
    }

    #[test]
    fn nested_transactions_roll_back_to_their_savepoint() {
        let (mut t, f) = sample();
        let outer = t.begin();
        t.append_child(f, Some("a"), None).unwrap();
        let after_a = t.clone();
        let inner = t.begin();
        t.append_child(f, Some("b"), None).unwrap();
        t.remove(t.children(f)[0]);
        t.rollback(inner);
        assert_eq!(t, after_a);
        let inner = t.begin();
        let kids = t.children(f).to_vec();
        t.remove(kids[0]);
        t.commit(inner);
        assert!(t.contains(kids[0]), "only the outermost commit frees nodes");
        t.rollback(outer);
        let (fresh, _) = sample();
        assert_eq!(t, fresh);
    }

    #[test]
    fn atomic_undoes_on_error() {
        let (mut t, f) = sample();
        let before = t.clone();
        let r: Result<(), ()> = t.atomic(|t| {
            t.append_child(f, Some("x"), None);
            Err(())
        });
        assert!(r.is_err());
        assert_eq!(t, before);
        let r: Result<NodeId, ()> = t.atomic(|t| t.append_child(f, Some("x"), None).ok_or(()));
        assert!(t.contains(r.unwrap()));
        assert_ne!(t, before);
    }

    #[test]
    fn remove_many_counts_nested_nodes_once() {
        let (mut t, f) = sample();
        let first = t.children(f)[0];
        let ip = t.children(first)[0];
        for txn in [false, true] {
            let mut t2 = t.clone();
            let sp = txn.then(|| t2.begin());
            assert_eq!(t2.remove_many(&[ip, first, first]), 3);
            if let Some(sp) = sp {
                t2.commit(sp);
            }
            assert!(!t2.contains(ip) && !t2.contains(first));
        }
        t.clear_dirty(f);
    }

    #[test]
    fn clearing_dirty_flags_can_keep_the_changes_known() {
        let (mut t, f) = sample();
        let r = t.root();
        let first = t.children(f)[0];
        let ip = t.children(first)[0];
        t.set_value(ip, Some("1.2.3.4"));
        let other = t.append_child(r, Some("augeas"), None).unwrap();
        t.clear_dirty_keeping(r, &[f]);
        assert!(!t.is_dirty(ip) && !t.is_dirty(f) && !t.is_dirty(other));
        assert!(
            t.nodes.get(ip).is_some_and(|n| n.has(META_TOUCHED))
                && t.nodes.get(first).is_some_and(|n| n.has(META_TOUCHED)),
            "kept below the failed file"
        );
        assert!(
            !t.nodes.get(other).is_some_and(|n| n.has(META_TOUCHED))
                && !t.nodes.get(r).is_some_and(|n| n.has(META_TOUCHED))
        );
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

    mod indexes {
        use super::super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            Insert(usize, u8),
            Relabel(usize, u8),
            Remove(usize),
            RemoveMany(Vec<usize>),
            MoveOut(usize),
            MoveIn(usize, usize),
            Lookup(u8),
            Position(usize),
            Rollback(Vec<Op>),
        }

        fn op() -> impl Strategy<Value = Op> {
            let leaf = prop_oneof![
                (any::<usize>(), 0u8..6).prop_map(|(i, l)| Op::Insert(i, l)),
                (any::<usize>(), 0u8..6).prop_map(|(i, l)| Op::Relabel(i, l)),
                any::<usize>().prop_map(Op::Remove),
                proptest::collection::vec(any::<usize>(), 0..6).prop_map(Op::RemoveMany),
                any::<usize>().prop_map(Op::MoveOut),
                (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Op::MoveIn(i, j)),
                (0u8..7).prop_map(Op::Lookup),
                any::<usize>().prop_map(Op::Position),
            ];
            leaf.prop_recursive(2, 16, 6, |inner| {
                proptest::collection::vec(inner, 1..6).prop_map(Op::Rollback)
            })
        }

        fn name(l: u8) -> String {
            format!("l{l}")
        }

        /// Checks every index answer against a scan of the sibling list.
        fn check(t: &Tree, p: NodeId) {
            for l in 0..7 {
                let want: Vec<NodeId> = t
                    .children(p)
                    .iter()
                    .copied()
                    .filter(|&c| t.label(c) == Some(name(l).as_str()))
                    .collect();
                assert_eq!(t.children_labelled(p, &name(l)), want);
            }
            for (i, &c) in t.children(p).iter().enumerate() {
                assert_eq!(t.index_in_parent(c), Some(i));
            }
        }

        fn apply(t: &mut Tree, p: NodeId, other: NodeId, op: &Op) {
            let pick = |t: &Tree, n: NodeId, i: usize| {
                let k = t.children(n);
                (!k.is_empty()).then(|| k[i % k.len()])
            };
            match op {
                Op::Insert(i, l) => {
                    let n = t.children(p).len() + 1;
                    t.insert_child(p, i % n, Some(&name(*l)), None);
                }
                Op::Relabel(i, l) => {
                    if let Some(c) = pick(t, p, *i) {
                        t.set_label(c, Some(&name(*l)));
                    }
                }
                Op::Remove(i) => {
                    if let Some(c) = pick(t, p, *i) {
                        t.remove(c);
                    }
                }
                Op::RemoveMany(is) => {
                    let ids: Vec<NodeId> = is.iter().filter_map(|&i| pick(t, p, i)).collect();
                    t.remove_many(&ids);
                }
                Op::MoveOut(i) => {
                    if let Some(c) = pick(t, p, *i) {
                        t.move_to(c, other, 0);
                    }
                }
                Op::MoveIn(i, j) => {
                    if let Some(c) = pick(t, other, *i) {
                        let n = t.children(p).len() + 1;
                        t.move_to(c, p, j % n);
                    }
                }
                Op::Lookup(l) => {
                    let _ = t.children_labelled(p, &name(*l));
                }
                Op::Position(i) => {
                    if let Some(c) = pick(t, p, *i) {
                        let _ = t.index_in_parent(c);
                    }
                }
                Op::Rollback(ops) => {
                    let sp = t.begin();
                    for o in ops {
                        apply(t, p, other, o);
                        check(t, p);
                    }
                    t.rollback(sp);
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn indexes_follow_every_change(ops in proptest::collection::vec(op(), 1..40)) {
                let mut t = Tree::new();
                let r = t.root();
                let p = t.append_child(r, Some("p"), None).unwrap();
                let other = t.append_child(r, Some("o"), None).unwrap();
                for i in 0..40u8 {
                    t.append_child(p, Some(&name(i % 6)), None);
                    t.append_child(other, Some(&name(i % 3)), None);
                }
                for op in &ops {
                    apply(&mut t, p, other, op);
                    check(&t, p);
                }
            }
        }
    }
}
