//! The layout of a file recorded when it is read, so that saving it need not parse the
//! original text again.
//!
//! Put needs the original layout: which text each original subtree came from, and the
//! skeleton of everything between them. For the common shape of file lens, a sequence of
//! subtrees with nothing outside them (`(comment | empty | entry)*`), the layout of the top
//! level is just the list of top-level subtrees with their label, text span and lens: get
//! records it for free. At save, a top-level node that did not change since it was read
//! (see [`Tree::origin`](crate::tree::Tree::origin)) and meets its own entry in the
//! dictionary is written as its original text; any other entry is parsed on demand, from
//! its span alone. Saving one edit of a big file thus costs a walk over the top level, not
//! a second parse of the whole text.

use super::skel::{Dict, Entry as Layouts, LayoutEntries, Skel, lens_id};
use super::{Kind, Lens};
use crate::tree::NodeId;
use foldhash::quality::RandomState;
use rustc_hash::FxHashMap;
use std::hash::BuildHasher;
use std::ops::Range;

/// One top-level subtree as get read it or put wrote it: its text and its lens.
#[derive(Debug, Clone)]
pub(crate) struct TopEntry {
    /// Its text.
    pub(crate) span: Range<usize>,
    /// The subtree lens that read or wrote it.
    pub(crate) lens: Lens,
}

/// One entry of a [`Layout`], packed (a file can have millions).
#[derive(Debug, Clone, Copy)]
struct Packed {
    start: u32,
    end: u32,
    /// The label's offset in `Layout::labels`.
    label_at: u32,
    /// The label's length plus one; 0 for no label.
    label_len: u32,
    /// Index in `Layout::lenses`.
    lens: u32,
}

/// The top-level layout of one file: valid for exactly the text it was made from (checked
/// by length and hash), read by the file lens `lens` into the file node `node`.
#[derive(Debug)]
pub(crate) struct Layout {
    keys: RandomState,
    hash: u64,
    len: usize,
    lens: usize,
    node: NodeId,
    lenses: Vec<Lens>,
    labels: String,
    entries: Vec<Packed>,
}

/// One entry of a [`Layout`].
pub(crate) struct Entry<'l> {
    pub(crate) label: Option<&'l str>,
    pub(crate) span: Range<usize>,
    pub(crate) lens: &'l Lens,
}

impl Layout {
    /// The layout of `text`, read or written by the file lens `file_lens` for the file
    /// node `node`, from its top-level subtrees and their labels (in the same order).
    /// `None` when the text is too big to index with 32 bits.
    pub(crate) fn new<'a>(
        text: &str,
        file_lens: &Lens,
        node: NodeId,
        top: Vec<TopEntry>,
        labels: impl Iterator<Item = Option<&'a str>>,
    ) -> Option<Layout> {
        u32::try_from(text.len()).ok()?;
        let keys = RandomState::default();
        let mut layout = Layout {
            hash: keys.hash_one(text.as_bytes()),
            keys,
            len: text.len(),
            lens: lens_id(file_lens),
            node,
            lenses: Vec::new(),
            labels: String::new(),
            entries: Vec::with_capacity(top.len()),
        };
        let mut seen: FxHashMap<usize, u32> = FxHashMap::default();
        // Runs of entries read by the same lens are common: look that one up once.
        let mut last = (0usize, 0u32);
        for (t, label) in top.into_iter().zip(labels) {
            let id = lens_id(&t.lens);
            let lens = if id == last.0 {
                last.1
            } else {
                let l = *seen.entry(id).or_insert_with(|| {
                    layout.lenses.push(t.lens.clone());
                    (layout.lenses.len() - 1) as u32
                });
                last = (id, l);
                l
            };
            let label_at = u32::try_from(layout.labels.len()).ok()?;
            let label_len = match label {
                Some(l) => {
                    layout.labels.push_str(l);
                    u32::try_from(l.len() + 1).ok()?
                }
                None => 0,
            };
            layout.entries.push(Packed {
                start: t.span.start as u32,
                end: t.span.end as u32,
                label_at,
                label_len,
                lens,
            });
        }
        Some(layout)
    }

    /// Whether the layout describes `text` as read by `file_lens` into `node`.
    pub(crate) fn describes(&self, text: &str, file_lens: &Lens, node: NodeId) -> bool {
        self.node == node
            && self.lens == lens_id(file_lens)
            && self.len == text.len()
            && self.hash == self.keys.hash_one(text.as_bytes())
    }

    /// The number of entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entry `i`.
    pub(crate) fn get(&self, i: usize) -> Option<Entry<'_>> {
        let p = self.entries.get(i)?;
        let label = match p.label_len {
            0 => None,
            n => {
                let at = p.label_at as usize;
                Some(self.labels.get(at..at + n as usize - 1)?)
            }
        };
        Some(Entry {
            label,
            span: p.start as usize..p.end as usize,
            lens: self.lenses.get(p.lens as usize)?,
        })
    }

    /// The dictionary of the file's top level for put, every entry to be parsed when put
    /// needs it (from its span alone), read from this layout as put takes it.
    pub(crate) fn dict(&self) -> Dict {
        Dict::over_layout(self.len())
    }
}

impl LayoutEntries for Layout {
    fn label_of(&self, i: usize) -> Option<Option<&str>> {
        self.get(i).map(|e| e.label)
    }

    fn entry_at(&self, i: usize) -> Option<Layouts> {
        let e = self.get(i)?;
        Some(Layouts {
            skel: Skel::None,
            dict: None,
            span: e.span,
            lens: lens_id(e.lens),
            hash: 0,
            lazy: Some(i as u32),
            deferred: None,
        })
    }
}

impl Lens {
    /// Whether this lens's top level is made of subtrees only (through unions,
    /// concatenations, iterations and options), so that its layout is fully described by
    /// a [`Layout`]. Subtrees with a `seq` or `counter` inside a nested subtree do not
    /// qualify: parsing one entry on its own would number them differently.
    pub(crate) fn layout_by_subtrees(&self) -> bool {
        *self.0.memo.layout.get_or_init(|| match &self.0.kind {
            // Recursive lenses parse differently (see `rec`): not worth recording.
            _ if self.0.rec => false,
            Kind::Subtree(body) => !body.seq_below(),
            Kind::Union(v) | Kind::Concat(v) => v.iter().all(Lens::layout_by_subtrees),
            Kind::Star(b) | Kind::Maybe(b) => b.layout_by_subtrees(),
            _ => false,
        })
    }

    /// Whether the labels of the top-level nodes are what a parse of the text written for
    /// them would give, so that put can record the layout of what it wrote. Not with a
    /// `seq` label at the top level: a reload numbers the entries afresh (after a removal,
    /// the node labelled 2 meets the new second entry, as in C).
    pub(crate) fn labels_survive_save(&self) -> bool {
        *self.0.memo.survives.get_or_init(|| match &self.0.kind {
            Kind::Subtree(body) => !body.seq_here(),
            Kind::Union(v) | Kind::Concat(v) => v.iter().all(Lens::labels_survive_save),
            Kind::Star(b) | Kind::Maybe(b) => b.labels_survive_save(),
            _ => false,
        })
    }

    /// Whether a `seq` or `counter` occurs in the lens outside its subtrees.
    fn seq_here(&self) -> bool {
        match &self.0.kind {
            Kind::Seq(_) | Kind::Counter(_) | Kind::Rec(_) => true,
            Kind::Union(v) | Kind::Concat(v) => v.iter().any(Lens::seq_here),
            Kind::Star(b) | Kind::Maybe(b) | Kind::Square(b) | Kind::Fix(_, b) => b.seq_here(),
            _ => false,
        }
    }

    /// Whether the lens holds a `square` whose key end is compared case-insensitively:
    /// put writes its right end as the node's label, which may differ in case from the
    /// original text, so an unchanged subtree is not simply copied.
    pub(crate) fn relabels_square(&self) -> bool {
        *self.0.memo.relabels.get_or_init(|| match &self.0.kind {
            Kind::Square(inner) => {
                let ends = inner.parts();
                let nocase = |l: Option<&Lens>| {
                    l.is_some_and(|l| match &l.0.kind {
                        Kind::Key { re } | Kind::Del { re, .. } => re.is_nocase(),
                        _ => false,
                    })
                };
                let key_left = ends
                    .first()
                    .is_some_and(|l| matches!(l.0.kind, Kind::Key { .. }));
                (key_left && (nocase(ends.first()) || nocase(ends.last())))
                    || inner.relabels_square()
            }
            Kind::Union(v) | Kind::Concat(v) => v.iter().any(Lens::relabels_square),
            Kind::Subtree(b) | Kind::Star(b) | Kind::Maybe(b) | Kind::Fix(_, b) => {
                b.relabels_square()
            }
            _ => false,
        })
    }

    /// Whether a `seq` or `counter` occurs anywhere in the lens.
    fn has_seq(&self) -> bool {
        *self.0.memo.seq.get_or_init(|| match &self.0.kind {
            Kind::Seq(_) | Kind::Counter(_) | Kind::Rec(_) => true,
            Kind::Union(v) | Kind::Concat(v) => v.iter().any(Lens::has_seq),
            Kind::Subtree(b)
            | Kind::Star(b)
            | Kind::Maybe(b)
            | Kind::Square(b)
            | Kind::Fix(_, b) => b.has_seq(),
            _ => false,
        })
    }

    /// Whether a `seq` or `counter` occurs inside a subtree of the lens.
    fn seq_below(&self) -> bool {
        *self.0.memo.seq_below.get_or_init(|| match &self.0.kind {
            Kind::Subtree(b) => b.has_seq(),
            Kind::Rec(_) => true,
            Kind::Union(v) | Kind::Concat(v) => v.iter().any(Lens::seq_below),
            Kind::Star(b) | Kind::Maybe(b) | Kind::Square(b) | Kind::Fix(_, b) => b.seq_below(),
            _ => false,
        })
    }
}
