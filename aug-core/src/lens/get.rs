//! The get direction: text to tree, plus the skeleton and dictionary that put uses to
//! reproduce the original layout.
//!
//! Splitting follows Augeas: a concatenation gives each part the longest text that still
//! lets the remaining parts match (POSIX submatch rules), a union takes the first
//! alternative whose language contains the text, and an iteration takes the longest match
//! at each step (greedy, exactly like C Augeas, which can reject text a cleverer split would
//! accept). Every scan stops as soon as its automaton dies, so reading a file of many lines
//! is linear in its size.

use super::layout::{Layout, TopEntry};
use super::rec::Parser;
use super::{Kind, Lens};
use crate::error::Span;
use crate::rx::{Regex, Suffixes};
use crate::tree::{NodeId, NodeSpan, Subtree, Tree};
use compact_str::{CompactString, ToCompactString};
use foldhash::quality::RandomState;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::hash::{BuildHasher, Hasher};
use std::ops::Range;
use std::sync::Arc;

/// Why get failed: where, in which lens, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{span}: {message} (lens {lens}{})", expected_suffix(.expected))]
pub struct GetError {
    /// Where in the input the failure was detected.
    pub span: Span,
    /// Augeas's message, e.g. `Iterated lens matched less than it should`.
    pub message: String,
    /// The lens that failed: where it was written (`hosts.aug:13.12-.52:`, as Augeas
    /// names it), or its text for a lens made in Rust.
    pub lens: String,
    /// What that lens expected at this position, for a lens made in Rust.
    pub expected: Option<String>,
    /// For an iteration that stopped short: how far its body matched.
    pub parts: Option<Box<MatchedParts>>,
}

/// For an iteration that stopped short, the parts of its body around where they stopped
/// matching, named like [`GetError::lens`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedParts {
    /// The last part that matched (Augeas's `error/lens/last_matched`).
    pub last: Option<String>,
    /// The part after it, which did not match (Augeas's `error/lens/next_not_matched`).
    pub next: Option<String>,
}

/// How errors name a lens: where it was written, as Augeas does (`file.aug:1.2-.5:`), or
/// its text when it was made in Rust.
pub(crate) fn lens_name(l: &Lens) -> String {
    l.origin()
        .map_or_else(|| l.to_string(), |o| format!("{o}:"))
}

fn expected_suffix(e: &Option<String>) -> String {
    e.as_ref()
        .map_or_else(String::new, |e| format!(", expected {e}"))
}

/// How far the parts of `lens` match from `start` (not beyond `end`), as C's `try_match`
/// measures it to place the error of an iteration that stopped short: a concatenation's
/// parts in turn, each with its longest match, then into the first one that does not
/// match; a union's first branch that gets anywhere. `last` is the last part that
/// matched, `next` the part after it; `-1` when a leaf does not match at all.
fn try_match<'l>(
    text: &[u8],
    lens: &'l Lens,
    start: usize,
    end: usize,
    last: &mut Option<&'l Lens>,
    next: &mut Option<&'l Lens>,
) -> isize {
    let longest = |l: &Lens, at: usize| -> Option<usize> {
        if l.0.rec {
            return None;
        }
        l.0.ctype.longest_match(text, at, end).map(|q| q - at)
    };
    super::rec::grow(|| match &lens.0.kind {
        Kind::Value(_) | Kind::Label(_) | Kind::Seq(_) | Kind::Counter(_) => {
            *last = Some(lens);
            0
        }
        Kind::Del { .. } | Kind::Key { .. } | Kind::Store { .. } => match longest(lens, start) {
            Some(r) => {
                *last = Some(lens);
                r as isize
            }
            None => -1,
        },
        Kind::Concat(parts) => {
            let (mut result, mut at) = (0isize, start);
            for (i, child) in parts.iter().enumerate() {
                match longest(child, at) {
                    Some(r) => {
                        result += r as isize;
                        at += r;
                        *last = Some(child);
                    }
                    None if result > 0 => {
                        if next.is_none() {
                            *next = Some(child);
                        }
                        return result;
                    }
                    None => {
                        let r = try_match(text, child, at, end, last, next);
                        if r > 0 && next.is_none() {
                            *next = parts.get(i + 1);
                        }
                        return r;
                    }
                }
            }
            result
        }
        Kind::Union(alts) => {
            for a in alts {
                let r = try_match(text, a, start, end, last, next);
                if r > 0 {
                    return r;
                }
            }
            0
        }
        Kind::Subtree(body) | Kind::Star(body) | Kind::Maybe(body) | Kind::Square(body) => {
            try_match(text, body, start, end, last, next)
        }
        Kind::Fix(..) | Kind::Rec(_) => 0,
    })
}

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
    /// For an entry of a recorded [`Layout`](super::layout::Layout) not parsed yet: its
    /// index there (`skel` and `dict` are then empty).
    pub(crate) lazy: Option<u32>,
}

/// Per tree level: the layouts of the original subtrees, in document order; put takes
/// them per label, the n-th node labelled L getting the n-th original layout labelled L.
#[derive(Debug, Default)]
pub(crate) struct Dict {
    entries: Vec<(Option<CompactString>, Option<Entry>)>,
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

impl Dict {
    pub(crate) fn new() -> Self {
        Dict::default()
    }

    /// The dictionary of a file's top level from its recorded layout, every entry to be
    /// parsed when put needs it.
    pub(crate) fn lazy(layout: &Layout) -> Self {
        Dict {
            entries: (0..layout.len())
                .filter_map(|i| {
                    let e = layout.get(i)?;
                    let entry = Entry {
                        skel: Skel::None,
                        dict: None,
                        span: e.span,
                        lens: lens_id(e.lens),
                        hash: 0,
                        lazy: Some(i as u32),
                    };
                    Some((e.label.map(CompactString::from), Some(entry)))
                })
                .collect(),
            cursor: 0,
            index: None,
        }
    }

    /// Appends a subtree's layout under its label.
    fn push(&mut self, label: Option<CompactString>, entry: Entry) {
        self.entries.push((label, Some(entry)));
    }

    /// Takes the next unused layout of a subtree labelled `label`.
    pub(crate) fn pop(&mut self, label: Option<&str>) -> Option<Entry> {
        if self.entries.len() <= DICT_SCAN {
            return self
                .entries
                .iter_mut()
                .find(|(l, e)| e.is_some() && l.as_deref() == label)
                .and_then(|(_, e)| e.take());
        }
        if self.index.is_none() {
            // In document order, the entry at the cursor is the first unused one.
            if let Some((l, e)) = self.entries.get_mut(self.cursor)
                && l.as_deref() == label
            {
                let taken = e.take();
                self.cursor += 1;
                while self
                    .entries
                    .get(self.cursor)
                    .is_some_and(|(_, e)| e.is_none())
                {
                    self.cursor += 1;
                }
                return taken;
            }
            let mut index = Index {
                head: FxHashMap::default(),
                next: vec![u32::MAX; self.entries.len()],
            };
            for (i, (l, e)) in self.entries.iter().enumerate().rev() {
                if e.is_some() {
                    let head = index.head.entry(l.clone()).or_insert(u32::MAX);
                    if let Some(n) = index.next.get_mut(i) {
                        *n = *head;
                    }
                    *head = i as u32;
                }
            }
            self.index = Some(index);
        }
        let index = self.index.as_mut()?;
        let head = index.head.get_mut(&label.map(CompactString::from))?;
        let i = *head as usize;
        *head = *index.next.get(i)?;
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
fn fingerprint(
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

/// The fingerprint of the subtree at `node`, or `None` when it is more than `depth` levels
/// deep (not worth hashing).
pub(crate) fn fingerprint_tree(
    keys: &RandomState,
    tree: &Tree,
    node: NodeId,
    depth: usize,
) -> Option<u64> {
    let kids = tree.children(node);
    if depth == 0 && !kids.is_empty() {
        return None;
    }
    let mut hashes = Vec::with_capacity(kids.len());
    for &k in kids {
        hashes.push(fingerprint_tree(keys, tree, k, depth.saturating_sub(1))?);
    }
    Some(fingerprint(
        keys,
        tree.label(node),
        tree.value(node),
        &hashes,
    ))
}

/// The result of [`Lens::get`]: the top-level nodes, and the layout for put.
#[derive(Debug)]
pub struct Parsed {
    /// The nodes the text produced at the top level.
    pub children: Vec<Subtree>,
    /// The value the lens set at the top level, if any.
    pub value: Option<String>,
}

/// A label or value as get reads it, materialised only by the [`Sink`] that keeps it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Piece<'l> {
    /// Bytes `[s, e)` of the input.
    Text(usize, usize),
    /// A constant of the lens (`label`, `value`).
    Lit(&'l str),
    /// A `seq` number.
    Num(u64),
}

impl Piece<'_> {
    /// The piece as a string (invalid UTF-8 replaced, as everywhere in get).
    fn as_str<'a>(&'a self, text: &'a str) -> Cow<'a, str> {
        match *self {
            // A regexp may end a match inside a multi-byte character (`.` is a byte).
            Piece::Text(s, e) => match text.get(s..e) {
                Some(t) => Cow::Borrowed(t),
                None => String::from_utf8_lossy(text.as_bytes().get(s..e).unwrap_or_default()),
            },
            Piece::Lit(l) => Cow::Borrowed(l),
            Piece::Num(n) => Cow::Owned(n.to_string()),
        }
    }

    fn to_compact(self, text: &str) -> CompactString {
        match self {
            Piece::Num(n) => n.to_compact_string(),
            p => CompactString::from(p.as_str(text)),
        }
    }
}

/// Where get puts the nodes it reads: plain [`Subtree`]s, nodes created in place in a
/// [`Tree`], or nowhere (put's layout parse needs only the skeleton).
pub(crate) trait Sink {
    /// What one node becomes.
    type Node;

    /// Makes a node from its label, value, span and already made children.
    fn node(
        &mut self,
        text: &str,
        label: Option<Piece<'_>>,
        value: Option<Piece<'_>>,
        span: Option<NodeSpan>,
        children: Vec<Self::Node>,
    ) -> Self::Node;

    /// Whether nodes are kept at all (otherwise values are not even recorded).
    fn keeps(&self) -> bool {
        true
    }

    /// The fingerprint of a node made by this sink, when it computes them.
    fn fingerprint(&self, _node: &Self::Node) -> u64 {
        0
    }

    /// Forgets the nodes made so far (a get that failed is run again).
    fn reset(&mut self) {}
}

/// Builds [`Subtree`]s (the public [`Lens::get`]).
struct SubtreeSink;

impl Sink for SubtreeSink {
    type Node = Subtree;

    fn node(
        &mut self,
        text: &str,
        label: Option<Piece<'_>>,
        value: Option<Piece<'_>>,
        span: Option<NodeSpan>,
        children: Vec<Subtree>,
    ) -> Subtree {
        Subtree {
            label: label.map(|p| p.as_str(text).into_owned()),
            value: value.map(|p| p.as_str(text).into_owned()),
            span,
            children,
        }
    }
}

/// Creates the nodes directly in a tree, detached until the caller adopts them; remembers
/// every node made so that a failed get leaves nothing behind.
struct TreeSink<'t> {
    tree: &'t mut Tree,
    made: Vec<NodeId>,
}

impl Sink for TreeSink<'_> {
    type Node = NodeId;

    fn node(
        &mut self,
        text: &str,
        label: Option<Piece<'_>>,
        value: Option<Piece<'_>>,
        span: Option<NodeSpan>,
        children: Vec<NodeId>,
    ) -> NodeId {
        let id = self.tree.new_detached(
            label.map(|p| p.to_compact(text)),
            value.map(|p| p.to_compact(text)),
            span,
            children,
        );
        self.made.push(id);
        id
    }

    fn reset(&mut self) {
        self.tree.discard(&self.made);
        self.made.clear();
    }
}

/// Keeps only fingerprints: put's layout parse.
struct HashSink {
    keys: RandomState,
}

impl Sink for HashSink {
    type Node = u64;

    fn node(
        &mut self,
        text: &str,
        label: Option<Piece<'_>>,
        value: Option<Piece<'_>>,
        _: Option<NodeSpan>,
        children: Vec<u64>,
    ) -> u64 {
        let label = label.as_ref().map(|p| p.as_str(text));
        let value = value.as_ref().map(|p| p.as_str(text));
        fingerprint(&self.keys, label.as_deref(), value.as_deref(), &children)
    }

    fn fingerprint(&self, node: &u64) -> u64 {
        *node
    }
}

/// What [`Lens::get_into`] read: the detached top-level nodes, the value set at the top
/// level, and (when asked for) the top-level subtrees' text and lens.
pub(crate) struct GotFile {
    pub(crate) children: Vec<NodeId>,
    pub(crate) value: Option<String>,
    pub(crate) top: Option<Vec<TopEntry>>,
}

/// A whole get, and (when asked) the text and lens of each top-level subtree.
type GotTop<'a, N> = (Got<N>, Option<Vec<(Range<usize>, &'a Lens)>>);

/// What a whole get produced.
struct Got<N> {
    children: Vec<N>,
    value: Option<String>,
    skel: Skel,
    dict: Dict,
}

struct Level<'l, N> {
    key: Option<(Piece<'l>, Range<usize>)>,
    value: Option<(Piece<'l>, Range<usize>)>,
    children: Vec<N>,
    dict: Dict,
}

impl<N> Default for Level<'_, N> {
    fn default() -> Self {
        Level {
            key: None,
            value: None,
            children: Vec::new(),
            dict: Dict::default(),
        }
    }
}

struct State<'a, 'k, S> {
    text: &'a [u8],
    /// `text` as a string.
    src: &'a str,
    scratch: Scratch,
    seqs: FxHashMap<&'a str, u64>,
    skel: bool,
    spans: bool,
    sink: &'k mut S,
    /// How many subtrees deep get is.
    depth: usize,
    /// When wanted: the text and lens of each top-level subtree, in order.
    top: Option<Vec<(Range<usize>, &'a Lens)>>,
    /// Spare boundary vectors for concatenations (one per nesting level in use).
    pool: Vec<Vec<usize>>,
    /// The parser for recursive lenses, made when get first meets one.
    rec: Option<Parser<'a>>,
    /// The recursive lenses being read, with the text each reads: reading one again on
    /// the same text means the text has endless parses (left recursion that reads
    /// nothing), which C reports as an ambiguous parse.
    reading: rustc_hash::FxHashSet<(u64, usize, usize)>,
    /// Split everything with the parser (by the lens's structure, automata for leaves
    /// only), not only recursive lenses.
    structural: bool,
}

impl Lens {
    /// Reads `text` into a tree (the lens's get direction).
    pub fn get(&self, text: &str) -> Result<Parsed, GetError> {
        let got = self.run_get(text, false, false, SubtreeSink)?;
        Ok(Parsed {
            children: got.children,
            value: got.value,
        })
    }

    /// Reads `text` straight into `tree`: the top-level nodes come back detached, for the
    /// caller to [`Tree::adopt`], with the value the lens set at the top level. On failure
    /// nothing is left in the tree. `spans` records where each node came from.
    /// With `layout`, also returns where each top-level subtree was read from, as
    /// [`Layout`] entries (without their labels, which the caller takes from the tree).
    pub(crate) fn get_into(
        &self,
        text: &str,
        spans: bool,
        layout: bool,
        tree: &mut Tree,
    ) -> Result<GotFile, GetError> {
        let mut sink = TreeSink {
            tree,
            made: Vec::new(),
        };
        match self.run_get_full(text, spans, false, layout, &mut sink) {
            Ok((got, top)) => {
                let top = top.map(|t| {
                    t.into_iter()
                        .map(|(span, lens)| TopEntry {
                            span,
                            lens: lens.clone(),
                        })
                        .collect()
                });
                Ok(GotFile {
                    children: got.children,
                    value: got.value,
                    top,
                })
            }
            Err(e) => {
                sink.tree.discard(&sink.made);
                Err(e)
            }
        }
    }

    fn run_get<S: Sink>(
        &self,
        text: &str,
        spans: bool,
        skel: bool,
        mut sink: S,
    ) -> Result<Got<S::Node>, GetError> {
        self.run_get_with(text, spans, skel, &mut sink)
    }

    fn run_get_with<'a, S: Sink>(
        &'a self,
        text: &'a str,
        spans: bool,
        skel: bool,
        sink: &mut S,
    ) -> Result<Got<S::Node>, GetError> {
        self.run_get_full(text, spans, skel, false, sink)
            .map(|(got, _)| got)
    }

    /// Runs get on `text` the way [`Engine`] says; when splitting by structure fails, runs
    /// it again with automata, whose errors are those of Augeas (position of the longest
    /// viable prefix, expected regexp).
    fn run_get_full<'a, S: Sink>(
        &'a self,
        text: &'a str,
        spans: bool,
        skel: bool,
        top: bool,
        sink: &mut S,
    ) -> Result<GotTop<'a, S::Node>, GetError> {
        let structural = structural_for(text.len());
        match self.run_get_once(text, spans, skel, top, sink, structural) {
            Err(_) if structural && engine() == Engine::Auto => {
                sink.reset();
                self.run_get_once(text, spans, skel, top, sink, false)
            }
            r => r,
        }
    }

    fn run_get_once<'a, S: Sink>(
        &'a self,
        text: &'a str,
        spans: bool,
        skel: bool,
        top: bool,
        sink: &mut S,
        structural: bool,
    ) -> Result<GotTop<'a, S::Node>, GetError> {
        let mut st = State::new(text, skel, spans, sink);
        st.structural = structural;
        st.top = top.then(Vec::new);
        let n = st.text.len();
        if self.0.rec {
            if !st.parser().matches(self, 0, n) {
                // Point where parsing went furthest, as C does: past the last part that
                // matched.
                let longest = st.parser().longest(self, 0).unwrap_or(0);
                let pos = longest.max(st.parser().furthest()).min(n);
                // C's message for a text its parser for recursive lenses rejects.
                return Err(*st.rec_error(self, pos, "Syntax error"));
            }
        } else if !matches!(self.0.kind, Kind::Star(_)) {
            let whole = if structural {
                st.parser().matches(self, 0, n)
            } else {
                self.0.ctype.matches_span(st.text, 0, n)
            };
            if !whole {
                // As C: the longest prefix the lens matches is read (which may fail
                // first, e.g. an iteration inside it), and the error is where it ends.
                let Some(r) = self.0.ctype.longest_match(st.text, 0, n) else {
                    return Err(*st.error(self, 0, "Input string does not match at all"));
                };
                let mut lvl = Level::default();
                if let Err(e) = st.get(self, 0, r, &mut lvl) {
                    return Err(*e);
                }
                return Err(*st.error(self, r, "Get did not match entire input"));
            }
        }
        let mut lvl = Level::default();
        let skel = st.get(self, 0, n, &mut lvl).map_err(|e| *e)?;
        // A label or value set outside of any subtree has no node to go to: C fails.
        if let Some((k, _)) = &lvl.key {
            let msg = format!("get left unused key {}", k.as_str(st.src));
            return Err(*st.error(self, n, &msg));
        }
        let value = lvl.value.map(|v| v.0.as_str(st.src).into_owned());
        if let Some(v) = &value {
            return Err(*st.error(self, n, &format!("get left unused value {v}")));
        }
        Ok((
            Got {
                children: lvl.children,
                value,
                skel,
                dict: lvl.dict,
            },
            st.top,
        ))
    }

    /// Reads `text` and returns the skeleton and dictionary put needs, and the keys of
    /// the fingerprints recorded in the dictionary.
    pub(crate) fn parse_layout(&self, text: &str) -> Result<(Skel, Dict, RandomState), GetError> {
        let mut sink = HashSink {
            keys: RandomState::default(),
        };
        let got = self.run_get_with(text, false, true, &mut sink)?;
        Ok((got.skel, got.dict, sink.keys))
    }
}

impl Lens {
    /// Parses the original subtree `text[span]`, read by this subtree lens, into its
    /// dictionary entry (with fingerprints keyed by `keys`).
    pub(crate) fn parse_entry(
        &self,
        text: &str,
        span: Range<usize>,
        keys: &RandomState,
    ) -> Result<Entry, GetError> {
        let run = |structural: bool| -> Result<Entry, GetError> {
            let mut sink = HashSink { keys: keys.clone() };
            let mut st = State::new(text, true, false, &mut sink);
            st.structural = structural;
            let mut lvl = Level::default();
            st.get(self, span.start, span.end, &mut lvl)
                .map_err(|e| *e)?;
            match lvl.dict.entries.pop() {
                Some((_, Some(e))) => Ok(e),
                _ => Err(*st.error(self, span.start, "not a subtree")),
            }
        };
        let structural = structural_for(span.len());
        match run(structural) {
            // Again with automata, for Augeas's error.
            Err(_) if structural && engine() == Engine::Auto => run(false),
            r => r,
        }
    }
}

/// How get splits the text among the parts of regular lenses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// With automata of the parts' languages: building them costs more than reading a
    /// small file, reading with them is fast (big files).
    Automata,
    /// By the lenses' structure, with automata for leaves only (`del`, `store`, `key`):
    /// nothing to build, slower per byte (small files). Errors say less than those of
    /// automata (which [`Engine::Auto`] reports).
    Structural,
    /// By structure for texts of at most [`STRUCTURAL_LIMIT`] bytes, else automata; a
    /// text that structure cannot split is read again with automata, for Augeas's error.
    Auto,
}

/// The biggest text [`Engine::Auto`] reads by structure. Measured on hosts and logrotate
/// files: below about 8 KB, building the automata costs more than the slower reading.
pub const STRUCTURAL_LIMIT: usize = 8 * 1024;

thread_local! {
    static ENGINE: std::cell::Cell<Option<Engine>> = const { std::cell::Cell::new(None) };
}

/// The engine in use: set for this thread by [`with_engine`], else `$AUG_RS_GET_ENGINE`
/// (`automata`, `structural`, anything else is `auto`), else [`Engine::Auto`]. Both
/// engines give the same trees; this exists to compare and measure them.
pub(crate) fn engine() -> Engine {
    static FROM_ENV: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.with(std::cell::Cell::get).unwrap_or_else(|| {
        *FROM_ENV.get_or_init(|| match std::env::var("AUG_RS_GET_ENGINE").as_deref() {
            Ok("automata") => Engine::Automata,
            Ok("structural") => Engine::Structural,
            _ => Engine::Auto,
        })
    })
}

/// Runs `f` with get on this thread using `engine`, whatever the process default is
/// (`$AUG_RS_GET_ENGINE`, else [`Engine::Auto`]); for lens writers who call
/// [`Lens::get`](super::Lens::get) themselves. A handle chooses with
/// [`Builder::engine`](crate::Builder::engine).
pub fn with_engine<R>(engine: Engine, f: impl FnOnce() -> R) -> R {
    let old = ENGINE.with(|e| e.replace(Some(engine)));
    let r = f();
    ENGINE.with(|e| e.set(old));
    r
}

/// Whether a text of `len` bytes is split by structure.
fn structural_for(len: usize) -> bool {
    match engine() {
        Engine::Automata => false,
        Engine::Structural => true,
        Engine::Auto => len <= STRUCTURAL_LIMIT,
    }
}

/// One part of a concatenation for [`split_concat`]: its language, and whether that
/// language is just the empty word (then no scan is needed to place it).
pub(crate) type Part<'a> = (&'a Regex, bool);

/// Reusable buffers for [`split_concat`], so splitting allocates nothing per call.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    starts: Vec<usize>,
    ends: Vec<usize>,
    /// `masks[x - base]`: which suffixes `text[x..e]` belongs to.
    masks: Vec<u64>,
}

/// The longest span split with one backwards pass over all suffixes at once; longer ones
/// (8 bytes of scratch per byte) scan each suffix on its own.
const ONE_PASS_LIMIT: usize = 1 << 20;

/// How many of a part's longest pieces splitting checks one by one, with a forward match
/// of the rest, before it marks where the rest can start in one backwards pass.
const FORWARD_TRIES: usize = 2;

/// Splits `[s, e)` into `parts.len()` consecutive pieces, piece `i` in `parts[i]` and the rest
/// in `suffix[i]`, giving earlier pieces the longest text possible (POSIX submatch rules).
/// `all` holds the same suffixes for matching in one pass. Returns the `n + 1` boundaries.
#[allow(clippy::too_many_arguments)]
pub(crate) fn split_concat(
    text: &[u8],
    s: usize,
    e: usize,
    lenses: &[Lens],
    part_of: impl Fn(&Lens) -> Part<'_>,
    suffix: &[(Regex, bool)],
    all: &Suffixes,
    scratch: &mut Scratch,
) -> Option<Vec<usize>> {
    let mut bounds = Vec::with_capacity(lenses.len() + 1);
    split_concat_into(
        &mut bounds,
        text,
        s,
        e,
        lenses,
        part_of,
        suffix,
        all,
        scratch,
    )?;
    Some(bounds)
}

/// [`split_concat`] into `bounds` (cleared first), which the caller may reuse.
///
/// The caller guarantees that `text[s..e]` belongs to the concatenation (every caller has
/// matched it against the concatenation's language, or split it out of an enclosing
/// lens): the split then always exists, and the last piece is only checked against the
/// last part in debug builds.
#[allow(clippy::too_many_arguments)]
pub(crate) fn split_concat_into(
    bounds: &mut Vec<usize>,
    text: &[u8],
    s: usize,
    e: usize,
    lenses: &[Lens],
    part_of: impl Fn(&Lens) -> Part<'_>,
    suffix: &[(Regex, bool)],
    all: &Suffixes,
    scratch: &mut Scratch,
) -> Option<()> {
    let n = lenses.len();
    bounds.clear();
    bounds.push(s);
    let mut p = s;
    // Where `scratch.masks` starts, once the backwards pass has run.
    let mut base: Option<usize> = None;
    for i in 0..n.saturating_sub(1) {
        let (part, part_eps) = part_of(lenses.get(i)?);
        let (rest, rest_eps) = suffix.get(i).map(|(r, e)| (r, *e))?;
        let q = if part_eps {
            p
        } else if rest_eps {
            if !part.matches_span(text, p, e) {
                return None;
            }
            e
        } else if all.greedy(i) {
            // The longest match of this part is where the rest starts (see `greedy`).
            part.longest_match(text, p, e)?
        } else if base.is_none()
            && let Some(q) = {
                // The longest few pieces for this part, each checked by a forward match of
                // the rest: usually the longest one is it, and forward automata of
                // keyword-led languages stay small where reverse ones do not.
                let Scratch { ends, .. } = scratch;
                ends.clear();
                part.for_each_match_end(text, p, e, |x| ends.push(x));
                ends.iter()
                    .rev()
                    .take(FORWARD_TRIES)
                    .find(|&&x| rest.matches_span(text, x, e))
                    .copied()
            }
        {
            q
        } else if i < Suffixes::MAX && all.usable() && e - p <= ONE_PASS_LIMIT {
            let Scratch { ends, masks, .. } = scratch;
            let b = match base {
                Some(b) => b,
                None => {
                    masks.clear();
                    masks.resize(e - p + 1, 0);
                    all.for_each_start(text, p, e, |x, m| {
                        if let Some(slot) = masks.get_mut(x - p) {
                            *slot = m;
                        }
                    });
                    base = Some(p);
                    p
                }
            };
            // The longest piece for this part after which the rest can follow.
            let bit = 1u64 << i;
            ends.clear();
            part.for_each_match_end(text, p, e, |x| ends.push(x));
            ends.iter()
                .rev()
                .find(|&&x| masks.get(x - b).is_some_and(|m| m & bit != 0))
                .copied()?
        } else {
            // Where the rest can start (descending), where this part can end (ascending):
            // take the largest position in both.
            let Scratch { starts, ends, .. } = scratch;
            starts.clear();
            ends.clear();
            rest.for_each_match_start(text, p, e, |x| starts.push(x));
            if starts.is_empty() {
                return None;
            }
            part.for_each_match_end(text, p, e, |x| ends.push(x));
            let (mut a, mut b) = (ends.len(), 0);
            let mut found = None;
            while a > 0 && b < starts.len() {
                let (x, y) = (ends[a - 1], starts[b]);
                if x == y {
                    found = Some(x);
                    break;
                } else if x > y {
                    a -= 1;
                } else {
                    b += 1;
                }
            }
            found?
        };
        p = q;
        bounds.push(p);
    }
    let (last, last_eps) = part_of(lenses.last()?);
    if last_eps && p != e {
        return None;
    }
    debug_assert!(last_eps || last.matches_span(text, p, e));
    bounds.push(e);
    Some(())
}

/// A lens's text language as a [`Part`].
pub(crate) fn ctype_part(l: &Lens) -> Part<'_> {
    (&l.0.ctype, l.0.c_eps)
}

/// A lens's tree language as a [`Part`].
pub(crate) fn atype_part(l: &Lens) -> Part<'_> {
    (&l.0.atype, l.0.a_eps)
}

/// Drops a skeleton made without skeletons wanted: such a skeleton is a marker that owns
/// no memory, so it is forgotten rather than dropped (dropping the recursive `Skel` is an
/// out-of-line call per part, a fair share of reading a file).
#[inline]
fn discard(sk: Skel) {
    debug_assert!(!matches!(
        sk,
        Skel::Concat(_) | Skel::Star(_) | Skel::Square(_)
    ));
    std::mem::forget(sk);
}

impl<'a, 'k, S: Sink> State<'a, 'k, S> {
    fn new(text: &'a str, skel: bool, spans: bool, sink: &'k mut S) -> Self {
        State {
            text: text.as_bytes(),
            src: text,
            scratch: Scratch::default(),
            seqs: FxHashMap::default(),
            skel,
            spans,
            sink,
            depth: 0,
            reading: rustc_hash::FxHashSet::default(),
            top: None,
            pool: Vec::new(),
            rec: None,
            structural: false,
        }
    }
}

impl<'a, S: Sink> State<'a, '_, S> {
    /// Errors are boxed while get recurses: a small `Result` is cheap to return from
    /// every one of the many nested calls.
    fn error(&self, lens: &Lens, pos: usize, message: &str) -> Box<GetError> {
        Box::new(GetError {
            span: Span::at(self.text, pos),
            message: message.to_owned(),
            lens: lens_name(lens),
            expected: (!lens.0.rec && lens.origin().is_none())
                .then(|| format!("/{}/", lens.0.ctype)),
            parts: None,
        })
    }

    /// Augeas's error for the iteration `lens` of `body` that stopped at `p`, short of
    /// `e`: the position is how far the parts of `body` still match from `p` (C's
    /// `try_match`), with the last part that matched and the next that did not.
    fn short_iteration(&self, lens: &Lens, body: &Lens, p: usize, e: usize) -> Box<GetError> {
        let (mut last, mut next) = (None, None);
        let m = try_match(self.text, body, p, e, &mut last, &mut next);
        let pos = p.saturating_add_signed(m);
        let mut err = self.error(lens, pos, "Iterated lens matched less than it should");
        err.parts = Some(Box::new(MatchedParts {
            last: last.map(lens_name),
            next: next.map(lens_name),
        }));
        err
    }

    /// Keeps a part's skeleton when skeletons are wanted, else forgets it.
    fn keep(&self, skels: &mut Vec<Skel>, sk: Skel) {
        if self.skel {
            skels.push(sk);
        } else {
            discard(sk);
        }
    }

    /// The parser for recursive lenses; fails when it met a problem while answering.
    fn parser(&mut self) -> &mut Parser<'a> {
        let text = self.text;
        let structural = self.structural;
        self.rec
            .get_or_insert_with(|| Parser::new(text).structural(structural))
    }

    /// Fails with the parser's problem, if it met one, else with `message`.
    fn rec_error(&mut self, lens: &Lens, pos: usize, message: &str) -> Box<GetError> {
        match self.parser().error() {
            Some(e) => self.error(lens, pos, &e.message()),
            None => self.error(lens, pos, message),
        }
    }

    fn get(
        &mut self,
        lens: &'a Lens,
        s: usize,
        e: usize,
        lvl: &mut Level<'a, S::Node>,
    ) -> Result<Skel, Box<GetError>> {
        let text = self.text;
        Ok(match &lens.0.kind {
            Kind::Del { .. } => {
                if self.skel {
                    Skel::Del(s, e)
                } else {
                    Skel::None
                }
            }
            Kind::Store { .. } => {
                if self.sink.keeps() {
                    lvl.value = Some((Piece::Text(s, e), s..e));
                }
                Skel::Store
            }
            Kind::Key { .. } => {
                lvl.key = Some((Piece::Text(s, e), s..e));
                Skel::Key
            }
            Kind::Label(l) => {
                lvl.key = Some((Piece::Lit(l), 0..0));
                Skel::Label
            }
            Kind::Value(v) => {
                if self.sink.keeps() {
                    lvl.value = Some((Piece::Lit(v), 0..0));
                }
                Skel::Value
            }
            Kind::Seq(name) => {
                let c = self.seqs.entry(name).or_insert(1);
                lvl.key = Some((Piece::Num(*c), 0..0));
                *c += 1;
                Skel::Seq
            }
            Kind::Counter(name) => {
                self.seqs.insert(name, 1);
                Skel::Counter
            }
            Kind::Concat(parts) => {
                let mut bounds = self.pool.pop().unwrap_or_default();
                let split = if lens.0.rec || self.structural {
                    let split = self.parser().split(lens, parts, s, e, &mut bounds);
                    if self.parser().take_ambiguous() {
                        return Err(self.error(lens, e, "Ambiguous parse"));
                    }
                    split
                } else {
                    split_concat_into(
                        &mut bounds,
                        text,
                        s,
                        e,
                        parts,
                        ctype_part,
                        &lens.0.split.csuffix,
                        &lens.0.split.csuffixes,
                        &mut self.scratch,
                    )
                };
                if split.is_none() {
                    return Err(self.rec_error(lens, s, "concatenation did not match"));
                }
                let skel = if self.skel {
                    let mut skels = Vec::with_capacity(parts.len());
                    for (i, p) in parts.iter().enumerate() {
                        skels.push(self.get(p, bounds[i], bounds[i + 1], lvl)?);
                    }
                    Skel::Concat(skels)
                } else {
                    for (i, p) in parts.iter().enumerate() {
                        let sk = self.get(p, bounds[i], bounds[i + 1], lvl)?;
                        discard(sk);
                    }
                    Skel::None
                };
                self.pool.push(bounds);
                skel
            }
            Kind::Union(alts) if lens.0.rec || self.structural => {
                let mut first = None;
                let next = text.get(s).copied().filter(|_| s < e);
                for a in alts {
                    if super::rec::may_start(a, next) && self.parser().part_matches(lens, a, s, e) {
                        first = Some(a);
                        break;
                    }
                }
                let Some(alt) = first else {
                    return Err(self.rec_error(
                        lens,
                        s,
                        "None of the alternatives in the union match",
                    ));
                };
                // Inside a recursive lens, C's parser finds every branch that reads the
                // text: two are two parses (the same lens twice in a union, as a recursive
                // lens's flattened union may hold its base case, is one).
                if lens.0.rec {
                    let later = alts
                        .iter()
                        .skip_while(|a| !std::ptr::eq(*a, alt))
                        .skip(1)
                        .filter(|a| !Arc::ptr_eq(&a.0, &alt.0))
                        .any(|a| {
                            super::rec::may_start(a, next)
                                && self.parser().part_matches(lens, a, s, e)
                        });
                    if later {
                        return Err(self.error(lens, e, "Ambiguous parse"));
                    }
                }
                self.get(alt, s, e, lvl)?
            }
            Kind::Union(alts) => {
                let first = if lens.0.split.calts.usable() {
                    lens.0
                        .split
                        .calts
                        .first_match(text, s, e)
                        .and_then(|i| alts.get(i))
                } else {
                    alts.iter().find(|a| a.0.ctype.matches_span(text, s, e))
                };
                let alt = first.ok_or_else(|| {
                    self.error(lens, s, "None of the alternatives in the union match")
                })?;
                self.get(alt, s, e, lvl)?
            }
            Kind::Star(body) if lens.0.rec => {
                let ends = self.parser().iterations(body, s, e);
                if self.parser().take_ambiguous() {
                    return Err(self.error(lens, e, "Ambiguous parse"));
                }
                let Some(ends) = ends else {
                    return Err(self.rec_error(
                        body,
                        s,
                        "Iterated lens matched less than it should",
                    ));
                };
                let mut skels = Vec::new();
                let mut p = s;
                for q in ends {
                    let sk = self.get(body, p, q, lvl)?;
                    self.keep(&mut skels, sk);
                    p = q;
                }
                if self.skel {
                    Skel::Star(skels)
                } else {
                    Skel::None
                }
            }
            Kind::Star(body) if self.structural => {
                // Augeas's greedy iteration: each time the longest match of the body.
                let mut skels = Vec::new();
                let mut p = s;
                while p < e {
                    match self.parser().longest_within(body, p, e) {
                        Some(q) if q > p => {
                            let sk = self.get(body, p, q, lvl)?;
                            self.keep(&mut skels, sk);
                            p = q;
                        }
                        _ => break,
                    }
                }
                if p < e {
                    return Err(self.short_iteration(lens, body, p, e));
                }
                if self.skel {
                    Skel::Star(skels)
                } else {
                    Skel::None
                }
            }
            Kind::Star(body) => {
                let mut skels = Vec::new();
                let mut p = s;
                // A union body picks its branch in the same scan as the match.
                let alts = match &body.0.kind {
                    Kind::Union(alts) if body.0.split.calts.usable() => Some(alts),
                    _ => None,
                };
                while p < e {
                    let m = match alts {
                        Some(alts) => body
                            .0
                            .split
                            .calts
                            .longest_match(text, p, e)
                            .and_then(|(q, i)| Some((q, alts.get(i)?))),
                        None => body.0.ctype.longest_match(text, p, e).map(|q| (q, body)),
                    };
                    match m {
                        Some((q, lens)) if q > p => {
                            let sk = self.get(lens, p, q, lvl)?;
                            self.keep(&mut skels, sk);
                            p = q;
                        }
                        _ => break,
                    }
                }
                if p < e {
                    return Err(self.short_iteration(lens, body, p, e));
                }
                if self.skel {
                    Skel::Star(skels)
                } else {
                    Skel::None
                }
            }
            Kind::Maybe(body) if self.structural && !lens.0.rec => {
                if self.parser().matches(body, s, e) {
                    self.get(body, s, e, lvl)?
                } else {
                    Skel::Empty
                }
            }
            Kind::Maybe(body) if lens.0.rec => {
                if s < e && self.parser().matches(body, s, e) {
                    self.get(body, s, e, lvl)?
                } else {
                    Skel::Empty
                }
            }
            Kind::Maybe(body) => {
                if body.0.ctype.matches_span(text, s, e) && (s < e || body.0.ctype.matches_empty())
                {
                    self.get(body, s, e, lvl)?
                } else {
                    Skel::Empty
                }
            }
            Kind::Subtree(body) => {
                if self.depth == 0
                    && let Some(top) = &mut self.top
                {
                    top.push((s..e, lens));
                }
                let mut sub = Level::default();
                self.depth += 1;
                let skel = self.get(body, s, e, &mut sub);
                self.depth -= 1;
                let skel = skel?;
                // As in Augeas, a label or value that is not read from the text (no
                // key or store, or `label`, `seq`, `value`) has the range 0..0.
                let span = self.spans.then(|| NodeSpan {
                    label: sub.key.as_ref().map_or(0..0, |k| k.1.clone()),
                    value: sub.value.as_ref().map_or(0..0, |v| v.1.clone()),
                    span: s..e,
                });
                let label = sub.key.as_ref().map(|k| k.0);
                let node = self.sink.keeps().then(|| {
                    self.sink
                        .node(self.src, label, sub.value.map(|v| v.0), span, sub.children)
                });
                if self.skel {
                    let name = label.map(|l| l.to_compact(self.src));
                    let hash = node.as_ref().map_or(0, |n| self.sink.fingerprint(n));
                    let entry = Entry {
                        skel,
                        dict: (!sub.dict.entries.is_empty()).then(|| Box::new(sub.dict)),
                        span: s..e,
                        lens: lens_id(lens),
                        hash,
                        lazy: None,
                    };
                    lvl.dict.push(name, entry);
                } else {
                    discard(skel);
                    // Without skeletons the level's dictionary stays empty.
                    std::mem::forget(std::mem::take(&mut sub.dict));
                }
                if let Some(node) = node {
                    lvl.children.push(node);
                }
                if self.skel { Skel::Subtree } else { Skel::None }
            }
            Kind::Fix(id, body) => {
                self.parser().enter(*id, body);
                self.get(body, s, e, lvl)?
            }
            Kind::Rec(id) => {
                let Some(body) = self.parser().body(*id) else {
                    return Err(self.rec_error(lens, s, "recursive lens did not match"));
                };
                if !self.reading.insert((*id, s, e)) {
                    return Err(self.rec_error(lens, s, "Ambiguous parse"));
                }
                if self.reading.len() > super::rec::MAX_NESTING {
                    let msg = super::rec::RecError::TooDeep.message();
                    return Err(self.rec_error(lens, s, &msg));
                }
                let r = super::rec::grow(|| self.get(body, s, e, lvl));
                self.reading.remove(&(*id, s, e));
                r?
            }
            Kind::Square(inner) => {
                let Kind::Concat(parts) = &inner.0.kind else {
                    return Err(self.error(lens, s, "malformed square lens"));
                };
                let bounds = if inner.0.rec || self.structural {
                    let mut b = Vec::new();
                    self.parser().split(inner, parts, s, e, &mut b).map(|()| b)
                } else {
                    split_concat(
                        text,
                        s,
                        e,
                        parts,
                        ctype_part,
                        &inner.0.split.csuffix,
                        &inner.0.split.csuffixes,
                        &mut self.scratch,
                    )
                };
                let Some(bounds) = bounds else {
                    return Err(self.rec_error(lens, s, "square did not match"));
                };
                let n = parts.len();
                let left = text.get(bounds[0]..bounds[1]).unwrap_or_default();
                let right = text.get(bounds[n - 1]..bounds[n]).unwrap_or_default();
                // Case-insensitively when either end was written with `/…/i`.
                let nocase = [parts.first(), parts.last()].into_iter().flatten().any(|p| {
                    matches!(&p.0.kind, Kind::Key { re } | Kind::Del { re, .. } if re.is_nocase())
                });
                let same = if nocase {
                    left.eq_ignore_ascii_case(right)
                } else {
                    left == right
                };
                if !same {
                    return Err(self.error(
                        lens,
                        bounds[n - 1],
                        &format!(
                            "Parse error: {} expected at the end of the square, found {}",
                            String::from_utf8_lossy(left),
                            String::from_utf8_lossy(right)
                        ),
                    ));
                }
                let mut skels = Vec::with_capacity(if self.skel { n } else { 0 });
                for (i, p) in parts.iter().enumerate() {
                    let sk = self.get(p, bounds[i], bounds[i + 1], lvl)?;
                    self.keep(&mut skels, sk);
                }
                if self.skel {
                    Skel::Square(Box::new(Skel::Concat(skels)))
                } else {
                    Skel::None
                }
            }
        })
    }
}
