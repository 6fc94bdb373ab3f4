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
use std::hash::BuildHasher;
use std::ops::Range;

/// One top-level subtree as get read it or put wrote it: its text and its lens, in 16
/// bytes (a file can have millions; a layout is only recorded for texts whose offsets fit
/// in 32 bits).
#[derive(Debug, Clone)]
pub(crate) struct TopEntry {
    start: u32,
    end: u32,
    /// The subtree lens that read or wrote it.
    lens: Lens,
}

impl TopEntry {
    /// The subtree read or written by `lens` from `span`.
    pub(crate) fn new(span: Range<usize>, lens: &Lens) -> TopEntry {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        TopEntry {
            start: narrow(span.start),
            end: narrow(span.end),
            lens: lens.clone(),
        }
    }

    /// Its text's place.
    pub(crate) fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The top-level layout of one file: valid for exactly the text it was made from (checked
/// by length and hash), read by the file lens `lens` into the file node `node`. It keeps
/// the list of subtrees get or put made (no copy of it), and their labels in one string:
/// 20 bytes and the label's text per entry.
#[derive(Debug)]
pub(crate) struct Layout {
    keys: RandomState,
    hash: u64,
    len: usize,
    lens: usize,
    /// The file node (see [`Layout::place`]).
    node: Option<NodeId>,
    entries: Vec<TopEntry>,
    /// The entries' labels, one after the other.
    labels: String,
    /// Per entry: where its label ends in `labels` (it starts where the one before
    /// ends), with `NO_LABEL` set for an entry whose node has no label.
    label_ends: Vec<u32>,
    /// What get noted of the entries beyond their spans.
    notes: TopNotes,
}

/// What get notes of a file's top-level entries besides their spans and lenses.
#[derive(Debug, Default)]
pub(crate) struct TopNotes {
    /// The `seq` counters at the start of the entries where they changed, for a lens
    /// whose numbers run on across entries (see [`Lens::seqs_run_on`]).
    pub(crate) seqs: SeqsAt,
    /// The entries, in order, holding a `square` whose ends differ in case
    /// (`<VirtualHost>…</virtualhost>`): put writes the closing end as the label, so
    /// such an entry is not its original text even when unchanged.
    pub(crate) relabeled: Vec<u32>,
    /// For a file lens read by its iterations ([`Lens::layout_by_iterations`]): each
    /// iteration of its top-level `*`, in order.
    pub(crate) iters: Vec<IterSpan>,
}

/// One iteration of a file lens's top-level `*` (see [`Lens::layout_by_iterations`]):
/// its text, and the first of the top-level subtrees it holds (the next iteration's
/// first is where they end).
#[derive(Debug, Clone, Copy)]
pub(crate) struct IterSpan {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) first: u32,
}

impl IterSpan {
    /// Its text's place.
    pub(crate) fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The iteration of `span` whose subtrees start at entry `first`.
    pub(crate) fn new(span: Range<usize>, first: usize) -> IterSpan {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        IterSpan {
            start: narrow(span.start),
            end: narrow(span.end),
            first: narrow(first),
        }
    }
}

/// The `seq` counters (name, next number) at the start of top-level entries, recorded
/// where they changed since the entry before, by entry index: what reading one entry
/// alone starts from to number its nodes as the whole file did (Sshd's `AllowUsers`
/// items run on from one line to the next). A 100k-line file may record one at every
/// entry: a record is one allocation, the names being kept once.
#[derive(Debug, Default)]
pub(crate) struct SeqsAt {
    /// The counters' names, each once.
    names: Vec<Box<str>>,
    /// By entry index, ascending: the counters at its start.
    at: Vec<(u32, Counters)>,
}

/// Counters: (index of the name in [`SeqsAt::names`], next number).
type Counters = Box<[(u32, u64)]>;

impl SeqsAt {
    /// Records the counters at the start of entry `entry` (after those of the entries
    /// before it).
    pub(crate) fn record<'n>(
        &mut self,
        entry: u32,
        counters: impl Iterator<Item = (&'n str, u64)>,
    ) {
        let now: Counters = counters
            .map(|(name, next)| {
                let i = match self.names.iter().position(|n| **n == *name) {
                    Some(i) => i,
                    None => {
                        self.names.push(name.into());
                        self.names.len() - 1
                    }
                };
                (u32::try_from(i).unwrap_or(u32::MAX), next)
            })
            .collect();
        self.at.push((entry, now));
    }

    /// The counters (name, next number) at the start of entry `i`.
    fn at(&self, i: usize) -> Vec<(&str, u64)> {
        let after = self.at.partition_point(|&(at, _)| at as usize <= i);
        let Some((_, counters)) = after.checked_sub(1).and_then(|j| self.at.get(j)) else {
            return Vec::new();
        };
        counters
            .iter()
            .filter_map(|&(n, next)| Some((&**self.names.get(n as usize)?, next)))
            .collect()
    }
}

/// [`Layout::label_ends`]: the entry's node has no label.
const NO_LABEL: u32 = 1 << 31;

/// What a [`Layout`] keeps of its text, to know it again: its length and a hash (the
/// text itself can go).
#[derive(Debug, Clone)]
pub(crate) struct TextPrint {
    keys: RandomState,
    hash: u64,
    len: usize,
}

impl TextPrint {
    /// The print of `text`.
    pub(crate) fn of(text: &str) -> TextPrint {
        let keys = RandomState::default();
        TextPrint {
            hash: keys.hash_one(text.as_bytes()),
            keys,
            len: text.len(),
        }
    }
}

/// One entry of a [`Layout`].
pub(crate) struct Entry<'l> {
    pub(crate) label: Option<&'l str>,
    pub(crate) span: Range<usize>,
    pub(crate) lens: &'l Lens,
}

impl Layout {
    /// The layout of the text `print` was taken of, read or written by the file lens
    /// `file_lens`, from its top-level subtrees: their labels are given one by one, in the
    /// same order ([`Layout::push_label`]), then checked ([`Layout::complete`]); the file
    /// node is named by [`Layout::place`]. `None` when the text is too big to index with
    /// 32 bits.
    pub(crate) fn start(
        print: TextPrint,
        file_lens: &Lens,
        top: Vec<TopEntry>,
        notes: TopNotes,
    ) -> Option<Layout> {
        u32::try_from(print.len).ok()?;
        let TextPrint { keys, hash, len } = print;
        Some(Layout {
            hash,
            keys,
            len,
            lens: lens_id(file_lens),
            node: None,
            label_ends: Vec::with_capacity(top.len()),
            entries: top,
            labels: String::new(),
            notes,
        })
    }

    /// Adds the label of the next entry. `None` when the labels are too long to index.
    pub(crate) fn push_label(&mut self, label: Option<&str>) -> Option<()> {
        self.labels.push_str(label.unwrap_or_default());
        let end = u32::try_from(self.labels.len())
            .ok()
            .filter(|&e| e < NO_LABEL)?;
        self.label_ends
            .push(if label.is_some() { end } else { end | NO_LABEL });
        Some(())
    }

    /// The layout, if it has a label for each entry.
    pub(crate) fn complete(self) -> Option<Layout> {
        (self.label_ends.len() == self.entries.len()).then_some(self)
    }

    /// Says which file node the layout is of: the one the entries are the children of.
    pub(crate) fn place(&mut self, node: NodeId) {
        self.node = Some(node);
    }

    /// Whether the layout describes `text` as read by `file_lens` into `node`.
    pub(crate) fn describes(&self, text: &str, file_lens: &Lens, node: NodeId) -> bool {
        self.node == Some(node)
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
        let t = self.entries.get(i)?;
        let end = *self.label_ends.get(i)?;
        let label = if end & NO_LABEL == 0 {
            let start = match i.checked_sub(1) {
                Some(before) => (*self.label_ends.get(before)? & !NO_LABEL) as usize,
                None => 0,
            };
            Some(self.labels.get(start..end as usize)?)
        } else {
            None
        };
        Some(Entry {
            label,
            span: t.span(),
            lens: &t.lens,
        })
    }

    /// The `seq` counters (name, next number) at the start of entry `i`.
    pub(crate) fn seqs_at(&self, i: usize) -> Vec<(&str, u64)> {
        self.notes.seqs.at(i)
    }

    /// Iteration `i` of the file lens's top-level `*`, when the layout was recorded by
    /// iterations: its text and the entries (top-level subtrees) it holds.
    pub(crate) fn iteration(&self, i: usize) -> Option<(Range<usize>, Range<usize>)> {
        let it = self.notes.iters.get(i)?;
        let last = match self.notes.iters.get(i + 1) {
            Some(next) => next.first as usize,
            None => self.entries.len(),
        };
        Some((it.span(), it.first as usize..last))
    }

    /// Whether the layout was recorded by iterations (see [`Lens::layout_by_iterations`]).
    pub(crate) fn by_iterations(&self) -> bool {
        !self.notes.iters.is_empty()
    }

    /// Whether put writes entry `i` differently from its text even when its node is
    /// unchanged (see [`TopNotes::relabeled`]).
    pub(crate) fn relabels(&self, i: usize) -> bool {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        self.notes.relabeled.binary_search(&i).is_ok()
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
    /// a [`Layout`]. Where `seq` numbers run on from entry to entry
    /// ([`Lens::seqs_run_on`]), the layout keeps the counters at the entries' starts.
    pub(crate) fn layout_by_subtrees(&self) -> bool {
        *self.0.memo.layout.get_or_init(|| match &self.0.kind {
            Kind::Subtree(_) => true,
            Kind::Union(v) | Kind::Concat(v) => v.iter().all(Lens::layout_by_subtrees),
            // A recursive lens whose top-level entries are subtrees (Httpd's
            // `(content | directive | comment | empty)*`, `content` a section holding
            // itself): an entry is read alone with the bodies put met on its way down.
            Kind::Star(b) | Kind::Maybe(b) | Kind::Fix(_, b) => b.layout_by_subtrees(),
            // A reference outside any subtree: its entries are not known here.
            _ => false,
        })
    }

    /// Whether this lens is a `*` whose body is made of subtrees and `del`s only
    /// (Logrotate's `(comment | empty | directive . eol | rule)*`), and not recursive: its
    /// layout is the list of its iterations' texts besides its subtrees', and save reads
    /// an iteration's `del`s from its text alone.
    pub(crate) fn layout_by_iterations(&self) -> bool {
        *self.0.memo.iters.get_or_init(|| match &self.0.kind {
            Kind::Star(b) => !self.0.rec && b.subtrees_and_dels(),
            _ => false,
        })
    }

    /// Whether the lens is made of subtrees and `del`s only, outside its subtrees.
    fn subtrees_and_dels(&self) -> bool {
        match &self.0.kind {
            Kind::Subtree(_) | Kind::Del { .. } => true,
            Kind::Union(v) | Kind::Concat(v) => v.iter().all(Lens::subtrees_and_dels),
            Kind::Star(b) | Kind::Maybe(b) => b.subtrees_and_dels(),
            _ => false,
        }
    }

    /// Whether the labels of the top-level nodes are what a parse of the text written for
    /// them would give, so that put can record the layout of what it wrote. Not with a
    /// `seq` label at the top level: a reload numbers the entries afresh (after a removal,
    /// the node labelled 2 meets the new second entry, as in C).
    pub(crate) fn labels_survive_save(&self) -> bool {
        *self.0.memo.survives.get_or_init(|| match &self.0.kind {
            Kind::Subtree(body) => !body.seq_here(),
            // Between the subtrees of a lens whose layout goes by iterations.
            Kind::Del { .. } => true,
            Kind::Union(v) | Kind::Concat(v) => v.iter().all(Lens::labels_survive_save),
            Kind::Star(b) | Kind::Maybe(b) | Kind::Fix(_, b) => b.labels_survive_save(),
            _ => false,
        })
    }

    /// Whether a `seq` or `counter` occurs in the lens outside its subtrees.
    fn seq_here(&self) -> bool {
        match &self.0.kind {
            Kind::Seq(_) | Kind::Counter(_) => true,
            // What it refers to may number its nodes at this level.
            Kind::Rec(_) => self.has_seq(),
            Kind::Union(v) | Kind::Concat(v) => v.iter().any(Lens::seq_here),
            Kind::Star(b) | Kind::Maybe(b) | Kind::Square(b) | Kind::Fix(_, b) => b.seq_here(),
            _ => false,
        }
    }

    /// Whether a `seq` or `counter` occurs anywhere in the lens (for a reference to a
    /// recursive lens, anywhere in what it refers to, as [`crate::lens::rec_ref`] found;
    /// a reference made without that knowledge may read any).
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

    /// Whether a `seq` or `counter` occurs anywhere in the lens, the references to the
    /// recursive lens `id` aside (each other reference answers for what it refers to,
    /// see [`crate::lens::rec_ref`]).
    pub(crate) fn has_seq_besides(&self, id: u64) -> bool {
        let mut seen = rustc_hash::FxHashSet::default();
        let mut todo = vec![self];
        while let Some(l) = todo.pop() {
            if !seen.insert(std::sync::Arc::as_ptr(&l.0)) {
                continue;
            }
            match &l.0.kind {
                Kind::Seq(_) | Kind::Counter(_) => return true,
                Kind::Rec(r) if *r == id => {}
                Kind::Rec(_) if l.has_seq() => return true,
                Kind::Union(v) | Kind::Concat(v) => todo.extend(v),
                Kind::Subtree(b)
                | Kind::Star(b)
                | Kind::Maybe(b)
                | Kind::Square(b)
                | Kind::Fix(_, b) => todo.push(b),
                _ => {}
            }
        }
        false
    }

    /// Whether, in an entry of the file lens (a top-level subtree), a subtree holds a
    /// `seq` that the entry does not reset with a `counter` of the same name before it
    /// (see [`Lens::seq_unreset`]): then its numbers run on from the entries before it
    /// (Sshd's `AllowUsers` items), and reading one entry alone must start from the
    /// counters the whole file had there. An entry's own `seq` label does not count: the
    /// layout keeps the entries' labels.
    pub(crate) fn seqs_run_on(&self) -> bool {
        *self.0.memo.seqs_run_on.get_or_init(|| match &self.0.kind {
            Kind::Subtree(b) => b.seq_unreset(&[], false),
            Kind::Rec(_) => self.has_seq(),
            Kind::Union(v) | Kind::Concat(v) => v.iter().any(Lens::seqs_run_on),
            Kind::Star(b) | Kind::Maybe(b) | Kind::Square(b) | Kind::Fix(_, b) => b.seqs_run_on(),
            _ => false,
        })
    }

    /// Whether the lens may read a `seq` other than those of `reset`, the counters reset
    /// before it in the same entry (only inside a subtree unless `inside`): a `counter`
    /// that is a part of a concatenation resets its name for the parts after it
    /// (`[ counter "args" . label "arguments" . (sep . [ seq "args" . store v ])+ ]`, as
    /// systemd's). An entry whose every `seq` is reset within it numbers its nodes the
    /// same whether it is parsed alone or in its file.
    fn seq_unreset(&self, reset: &[&str], inside: bool) -> bool {
        if !self.has_seq() {
            return false;
        }
        match &self.0.kind {
            Kind::Seq(name) => inside && !reset.contains(&name.as_str()),
            Kind::Counter(_) => false,
            Kind::Concat(v) => {
                let mut reset = reset.to_vec();
                for part in v {
                    if let Kind::Counter(name) = &part.0.kind {
                        reset.push(name);
                    } else if part.seq_unreset(&reset, inside) {
                        return true;
                    }
                }
                false
            }
            Kind::Union(v) => v.iter().any(|l| l.seq_unreset(reset, inside)),
            Kind::Subtree(b) => b.seq_unreset(reset, true),
            Kind::Star(b) | Kind::Maybe(b) | Kind::Square(b) | Kind::Fix(_, b) => {
                b.seq_unreset(reset, inside)
            }
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lens::{
        Lens, concat, counter, del, fix, fresh_rec_id, key, label, lit, rec_ref, rx, seq, store,
        subtree, union,
    };

    /// `[ label "e" . (parts) ]` with ` x` items `[ seq "n" . store /[a-z]+/ ]`.
    fn entry(parts: Vec<Lens>) -> Lens {
        let mut all = vec![label("e")];
        all.extend(parts);
        subtree(concat(all).unwrap())
    }

    fn items(name: &str) -> Lens {
        let item = subtree(
            concat(vec![
                del(lit(" "), " "),
                seq(name),
                store(rx("[a-z]+").unwrap()),
            ])
            .unwrap(),
        );
        subtree(concat(vec![label("args"), item.star().unwrap()]).unwrap())
    }

    /// Entries are recorded in a layout with the `seq` counters at their starts only
    /// where a `seq` in them goes on from the entries before: one reset by a `counter` of
    /// the same name earlier in the entry numbers its nodes the same when the entry is
    /// parsed alone.
    #[test]
    fn seqs_run_on_unless_their_entry_resets_them() {
        let eol = del(lit("\n"), "\n");
        let file = |e: Lens| {
            concat(vec![e, eol.clone()])
                .map(|l| subtree(l).star().unwrap())
                .unwrap()
        };
        let reset = file(entry(vec![counter("n"), items("n")]));
        assert!(reset.layout_by_subtrees() && !reset.seqs_run_on());
        // An entry's own `seq` label (hosts' entries) is in the layout's labels.
        let own =
            subtree(concat(vec![seq("h"), store(rx("[a-z]+").unwrap()), eol.clone()]).unwrap())
                .star()
                .unwrap();
        assert!(own.layout_by_subtrees() && !own.seqs_run_on());
        for running in [
            entry(vec![items("n")]),
            entry(vec![counter("m"), items("n")]),
            entry(vec![items("n"), counter("n")]),
        ] {
            let running = file(running);
            assert!(running.layout_by_subtrees() && running.seqs_run_on());
        }
    }

    /// `(section)*`, a section `[ key . "{" . (section | item)* . "}" ]` holding itself,
    /// its items `[ seq "i" . store ]` with `numbered`, `[ label "i" . store ]` without.
    fn sections(numbered: bool) -> Lens {
        let id = fresh_rec_id();
        let build = |me: Lens| {
            let item = subtree(
                concat(vec![
                    del(lit(" "), " "),
                    if numbered { seq("i") } else { label("i") },
                    store(rx("[0-9]+").unwrap()),
                ])
                .unwrap(),
            );
            subtree(
                concat(vec![
                    key(rx("[a-z]+").unwrap()),
                    del(lit("{"), "{"),
                    union(vec![me, item]).unwrap().star().unwrap(),
                    del(lit("}"), "}"),
                ])
                .unwrap(),
            )
        };
        let first = build(rec_ref(id, "section", None));
        let second = build(rec_ref(id, "section", Some(&first)));
        fix(id, second, &first).unwrap().star().unwrap()
    }

    /// A recursive lens whose entries are subtrees has a layout. Where nothing in it
    /// numbers nodes (the reference knows what it refers to), put records the layout of
    /// what it writes; a `seq` inside runs on, as in any other lens.
    #[test]
    fn recursive_lenses_have_layouts() {
        let plain = sections(false);
        assert!(plain.layout_by_subtrees());
        assert!(plain.labels_survive_save() && !plain.seqs_run_on());
        let numbered = sections(true);
        assert!(numbered.layout_by_subtrees() && numbered.seqs_run_on());
    }

    /// A `*` of subtrees and `del`s has its layout by iterations (not by subtrees alone);
    /// one with a `counter` outside the subtrees, or a recursive lens, has none.
    #[test]
    fn lines_that_end_outside_their_subtree_have_layouts_by_iterations() {
        let eol = del(lit("\n"), "\n");
        let directive = subtree(key(rx("[a-z]+").unwrap()));
        let lines = concat(vec![directive.clone(), eol.clone()])
            .unwrap()
            .star()
            .unwrap();
        assert!(lines.layout_by_iterations() && !lines.layout_by_subtrees());
        assert!(lines.labels_survive_save());
        let counted = concat(vec![counter("n"), directive.clone(), eol])
            .unwrap()
            .star()
            .unwrap();
        assert!(!counted.layout_by_iterations());
        assert!(directive.star().unwrap().layout_by_subtrees());
        assert!(!sections(false).layout_by_iterations());
    }
}
