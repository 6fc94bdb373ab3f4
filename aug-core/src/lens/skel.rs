//! The layout put reads of an original text: the lens-shaped skeleton ([`Skel`]), the
//! per-level dictionary of subtree layouts ([`Dict`], [`Entry`]), the fingerprints that
//! tell an unchanged subtree ([`fingerprint_tree`]) and the identity of the lens that read
//! one ([`lens_id`]). Get fills them (see `get`), put takes them apart (see `put`).

use super::Lens;
use crate::tree::{NodeId, Tree};
use compact_str::CompactString;
use foldhash::quality::RandomState;
use rustc_hash::FxHashMap;
use std::hash::{BuildHasher, Hasher};
use std::ops::Range;
use std::sync::Arc;

/// The layout a get recorded for one lens: the lens-shaped skeleton of the original text.
#[derive(Debug, Clone)]
pub(crate) enum Skel {
    /// The text a `del` matched, as a byte range of the original.
    Del(usize, usize),
    Store,
    Key,
    Label,
    Value,
    Seq,
    Counter,
    /// A `[ … ]`: its content lives in the dictionary under the node's label.
    Subtree,
    Concat(Vec<Skel>),
    Star(Vec<Skel>),
    /// An optional lens that matched nothing.
    Empty,
    Square(Box<Skel>),
    /// Placeholder when no skeleton is wanted.
    None,
}

/// The layout of one original subtree, as put finds it in the dictionary.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) skel: Skel,
    /// The layouts of its children (none for a leaf).
    pub(crate) dict: Option<Box<Dict>>,
    /// The subtree's text in the original.
    pub(crate) span: Range<usize>,
    /// The subtree lens that read it (its address: only compared, never followed).
    pub(crate) lens: usize,
    /// The fingerprint of the subtree it produced (see [`fingerprint_tree`]).
    pub(crate) hash: u64,
    /// For an entry of a file's recorded top-level layout (see `layout`) not parsed yet: its
    /// index there (`skel` and `dict` are then empty).
    pub(crate) lazy: Option<u32>,
    /// For a nested subtree of a recursive lens whose skeleton and children were not
    /// recorded (`skel` and `dict` are then empty): the subtree lens that read it, to read
    /// `span` again with when put needs them (see `Lens::parse_layout`).
    pub(crate) deferred: Option<Lens>,
}

/// Per tree level: the layouts of the original subtrees, in document order; put takes
/// them per label, the n-th node labelled L getting the n-th original layout labelled L.
/// The top level of a file whose layout was recorded at load reads its entries from that
/// layout as they are taken ([`Dict::over_layout`]), so a save holds a flag per entry
/// there, not a copy of each.
#[derive(Debug, Default)]
pub(crate) struct Dict {
    entries: Vec<(Option<CompactString>, Option<Entry>)>,
    /// Over a recorded layout: which of its entries are taken (`entries` is then empty).
    taken: Option<Vec<bool>>,
    finder: Finder,
}

/// The entries of a file's recorded top-level layout, as a dictionary over it reads them.
pub(crate) trait LayoutEntries {
    /// The label of entry `i`; `None` past the end.
    fn label_of(&self, i: usize) -> Option<Option<&str>>;
    /// Entry `i`, not parsed yet.
    fn entry_at(&self, i: usize) -> Option<Entry>;
}

/// Finds the next unused entry with a label.
#[derive(Debug, Default)]
struct Finder {
    /// Every entry before this one is taken: pops in document order (the common case,
    /// nodes kept in their original order) take the entry here without any index.
    cursor: usize,
    /// Per label, the first unused entry, chained to the next ones; built on the first
    /// `pop` out of document order at a level with many entries (small levels are
    /// scanned instead).
    index: Option<Index>,
}

#[derive(Debug, Default)]
struct Index {
    head: FxHashMap<Option<CompactString>, u32>,
    /// `next[i]`: the next unused entry with the label of entry `i` (`u32::MAX`: none).
    next: Vec<u32>,
}

/// Levels with up to this many entries are searched linearly by `Dict::pop`.
const DICT_SCAN: usize = 16;

impl Finder {
    /// The first unused one of `n` entries labelled `label` (`label_at(i)` is entry `i`'s
    /// label, `free(i)` whether it is unused); the caller takes it.
    fn find<'e>(
        &mut self,
        n: usize,
        label: Option<&str>,
        label_at: impl Fn(usize) -> Option<&'e str>,
        free: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let i = self.peek(n, label, label_at, &free)?;
        if n > DICT_SCAN {
            match self.index.as_mut() {
                // In document order: `i` was the cursor, which moves to the next unused.
                None => {
                    self.cursor += 1;
                    while self.cursor < n && !free(self.cursor) {
                        self.cursor += 1;
                    }
                }
                Some(index) => {
                    let head = index.head.get_mut(&label.map(CompactString::from))?;
                    *head = *index.next.get(i)?;
                }
            }
        }
        Some(i)
    }

    /// The entry [`Finder::find`] would give, left unused.
    fn peek<'e>(
        &mut self,
        n: usize,
        label: Option<&str>,
        label_at: impl Fn(usize) -> Option<&'e str>,
        free: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        if n <= DICT_SCAN {
            return (0..n).find(|&i| free(i) && label_at(i) == label);
        }
        if self.index.is_none() {
            // In document order, the entry at the cursor is the first unused one.
            let i = self.cursor;
            if i < n && label_at(i) == label {
                return Some(i);
            }
            self.build_index(n, label_at, free);
        }
        let index = self.index.as_ref()?;
        let head = *index.head.get(&label.map(CompactString::from))?;
        (head != u32::MAX && (head as usize) < n).then_some(head as usize)
    }

    /// Indexes the unused entries by label: pops out of document order follow it.
    fn build_index<'e>(
        &mut self,
        n: usize,
        label_at: impl Fn(usize) -> Option<&'e str>,
        free: impl Fn(usize) -> bool,
    ) {
        let mut index = Index {
            head: FxHashMap::default(),
            next: vec![u32::MAX; n],
        };
        for i in (0..n).rev().filter(|&i| free(i)) {
            let head = index
                .head
                .entry(label_at(i).map(CompactString::from))
                .or_insert(u32::MAX);
            if let Some(next) = index.next.get_mut(i) {
                *next = *head;
            }
            *head = i as u32;
        }
        self.index = Some(index);
    }
}

impl Dict {
    pub(crate) fn new() -> Self {
        Dict::default()
    }

    /// The top level of a file whose `n` entries are those of its recorded layout.
    pub(crate) fn over_layout(n: usize) -> Self {
        Dict {
            entries: Vec::new(),
            taken: Some(vec![false; n]),
            finder: Finder::default(),
        }
    }

    /// Appends a subtree's layout under its label.
    pub(crate) fn push(&mut self, label: Option<CompactString>, entry: Entry) {
        self.entries.push((label, Some(entry)));
    }

    /// Whether no subtree's layout was recorded.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.taken.as_ref().is_none_or(Vec::is_empty)
    }

    /// Takes the layout recorded last, if it is still there.
    pub(crate) fn take_last(&mut self) -> Option<Entry> {
        self.entries.pop().and_then(|(_, e)| e)
    }

    /// Whether [`Dict::pop`] of `label` would take entry `i` of a dictionary over a
    /// recorded layout.
    pub(crate) fn next_is(
        &mut self,
        label: Option<&str>,
        layout: &dyn LayoutEntries,
        i: usize,
    ) -> bool {
        let Some(taken) = &self.taken else {
            return false;
        };
        let label_at = |j| layout.label_of(j).flatten();
        let free = |j: usize| taken.get(j) == Some(&false);
        self.finder.peek(taken.len(), label, label_at, free) == Some(i)
    }

    /// Takes the next unused layout of a subtree labelled `label`; `layout` is where a
    /// dictionary over a recorded layout reads its entries.
    pub(crate) fn pop(
        &mut self,
        label: Option<&str>,
        layout: Option<&dyn LayoutEntries>,
    ) -> Option<Entry> {
        if let Some(taken) = &mut self.taken {
            let layout = layout?;
            let i = {
                let t = &*taken;
                let label_at = |i| layout.label_of(i).flatten();
                let free = |i: usize| t.get(i) == Some(&false);
                self.finder.find(t.len(), label, label_at, free)?
            };
            *taken.get_mut(i)? = true;
            return layout.entry_at(i);
        }
        let entries = &self.entries;
        let label_at = |i: usize| entries.get(i).and_then(|(l, _)| l.as_deref());
        let free = |i: usize| entries.get(i).is_some_and(|(_, e)| e.is_some());
        let i = self.finder.find(entries.len(), label, label_at, free)?;
        self.entries.get_mut(i)?.1.take()
    }
}

/// The identity of a lens, to tell whether an entry was read by the same subtree lens.
pub(crate) fn lens_id(lens: &Lens) -> usize {
    Arc::as_ptr(&lens.0) as usize
}

/// Hashes one node from its label, value and children's fingerprints. Put compares a
/// node's fingerprint with the one recorded for the original subtree: equal fingerprints
/// (foldhash, seeded at random per save, 64 bits) mean equal content, so the original text is reused as is.
pub(crate) fn fingerprint(
    keys: &RandomState,
    label: Option<&str>,
    value: Option<&str>,
    children: &[u64],
) -> u64 {
    let mut h = keys.build_hasher();
    for part in [label, value] {
        match part {
            Some(s) => {
                h.write_u8(1);
                h.write_usize(s.len());
                h.write(s.as_bytes());
            }
            None => h.write_u8(0),
        }
    }
    h.write_usize(children.len());
    for &c in children {
        h.write_u64(c);
    }
    h.finish()
}

/// The fingerprint of the subtree at `node` (what the layout parse recorded for it if it
/// is unchanged), or `None` when it is more than `depth` levels deep (not worth hashing;
/// `usize::MAX` for no limit). Walked without recursion, so a tree of any depth is fine.
pub(crate) fn fingerprint_tree(
    keys: &RandomState,
    tree: &Tree,
    node: NodeId,
    depth: usize,
) -> Option<u64> {
    // Post-order: a frame per open node (the node, its next child, where its children's
    // hashes start on the shared stack, and its level below `node`).
    let mut frames: Vec<(NodeId, usize, usize, usize)> = vec![(node, 0, 0, 0)];
    let mut hashes: Vec<u64> = Vec::new();
    while let Some(&mut (n, ref mut next, base, level)) = frames.last_mut() {
        let kids = tree.children(n);
        if level >= depth && !kids.is_empty() {
            return None;
        }
        if let Some(&k) = kids.get(*next) {
            *next += 1;
            frames.push((k, 0, hashes.len(), level + 1));
            continue;
        }
        frames.pop();
        let h = fingerprint(keys, tree.label(n), tree.value(n), hashes.get(base..)?);
        hashes.truncate(base);
        hashes.push(h);
    }
    hashes.pop()
}
