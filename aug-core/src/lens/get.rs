//! The get direction: text to tree, plus the skeleton and dictionary that put uses to
//! reproduce the original layout (their types are in `skel`).
//!
//! Splitting follows Augeas: a concatenation gives each part the longest text that still
//! lets the remaining parts match (POSIX submatch rules), a union takes the first
//! alternative whose language contains the text, and an iteration takes the longest match
//! at each step (greedy, exactly like C Augeas, which can reject text a cleverer split would
//! accept). Get asks a [`Splitter`] where the pieces are (with automata or by structure, see
//! `split` and `engine`) and has one arm per lens kind that reads them. Every scan stops as
//! soon as its automaton dies, so reading a file of many lines is linear in its size.

use super::engine::{Engine, engine, structural_for};
use super::layout::{IterSpan, SeqsAt, TopEntry, TopNotes};
use super::rec::{MAX_NESTING, RecError, grow};
use super::skel::{Dict, Entry, Skel, fingerprint, lens_id};
use super::split::{Fail, Splitter};
use super::{Kind, Lens};
use crate::error::Span;
use crate::tree::{NodeId, NodeSpan, Subtree, Tree};
use compact_str::{CompactString, ToCompactString};
use foldhash::quality::RandomState;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::Range;

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
    grow(|| match &lens.0.kind {
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

    /// Makes a node from its label, value, span and already made children: those are
    /// `kids[start..]`, which the sink takes out of `kids`.
    fn node(
        &mut self,
        text: &str,
        label: Option<Piece<'_>>,
        value: Option<Piece<'_>>,
        span: Option<NodeSpan>,
        kids: &mut Vec<Self::Node>,
        start: usize,
    ) -> Self::Node;

    /// Whether nodes are kept at all (otherwise values are not even recorded).
    fn keeps(&self) -> bool {
        true
    }

    /// The fingerprint of a node made by this sink, when it computes them.
    fn fingerprint(&self, _node: &Self::Node) -> u64 {
        0
    }

    /// Marks a node whose text put would not write back as it was even with the node
    /// unchanged (a `square` below it whose ends differ in case): its fingerprint, and
    /// so those of its ancestors, then match no tree.
    fn taint(&self, _node: &mut Self::Node) {}

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
        kids: &mut Vec<Subtree>,
        start: usize,
    ) -> Subtree {
        Subtree {
            label: label.map(|p| p.as_str(text).into_owned()),
            value: value.map(|p| p.as_str(text).into_owned()),
            span,
            children: kids.split_off(start.min(kids.len())),
        }
    }
}

/// Creates the nodes directly in a tree, detached until the caller adopts them; remembers
/// the nodes made that have no parent yet, so that a failed get leaves nothing behind.
struct TreeSink<'t> {
    tree: &'t mut Tree,
    /// Every node made and not yet given to a parent, and maybe some that were (dropping
    /// those is harmless: they go with their parent first). Get makes a node's children
    /// right before it, so they are this list's tail and leave it when their parent comes:
    /// it stays as short as the file's top level, not as long as the whole tree.
    made: Vec<NodeId>,
    /// The tree's ids of the lens's constant labels met so far, by the address and length
    /// of the lens's string (direct-mapped): most nodes have a constant label, whose id
    /// this saves hashing and comparing again for every node. Valid for one get, during
    /// which the lens (and so the address of each of its strings) does not change.
    lits: [(usize, usize, u32); LIT_CACHE],
}

/// How many constant labels [`TreeSink`] remembers the ids of.
const LIT_CACHE: usize = 64;

impl<'t> TreeSink<'t> {
    fn new(tree: &'t mut Tree) -> Self {
        TreeSink {
            tree,
            made: Vec::new(),
            lits: [(0, 0, 0); LIT_CACHE],
        }
    }

    /// The tree's id for the label `piece`.
    fn label_id(&mut self, text: &str, piece: Piece<'_>) -> u32 {
        if let Piece::Lit(l) = piece {
            let key = (l.as_ptr() as usize, l.len());
            let slot = (key.0 >> 3) % LIT_CACHE;
            if let Some(&(p, n, id)) = self.lits.get(slot)
                && (p, n) == key
            {
                return id;
            }
            let id = self.tree.label_id(l);
            if let Some(e) = self.lits.get_mut(slot) {
                *e = (key.0, key.1, id);
            }
            return id;
        }
        if let Piece::Num(n) = piece {
            return self.num_label_id(n);
        }
        self.tree.label_id(&piece.as_str(text))
    }

    /// The tree's id for the label of a `seq` number. Out of line: inlined, it tipped the
    /// compiler into calling the splitter out of line in `get`.
    #[inline(never)]
    fn num_label_id(&mut self, n: u64) -> u32 {
        self.tree.number_label_id(n)
    }
}

impl Sink for TreeSink<'_> {
    type Node = NodeId;

    fn node(
        &mut self,
        text: &str,
        label: Option<Piece<'_>>,
        value: Option<Piece<'_>>,
        span: Option<NodeSpan>,
        kids: &mut Vec<NodeId>,
        start: usize,
    ) -> NodeId {
        let children = kids.get(start..).unwrap_or_default();
        if !children.is_empty() && self.made.ends_with(children) {
            self.made.truncate(self.made.len() - children.len());
        }
        let label = label.map(|p| self.label_id(text, p));
        let value = value.as_ref().map(|p| p.as_str(text));
        let id = self
            .tree
            .new_detached(label, value.as_deref(), span, children);
        kids.truncate(start);
        self.made.push(id);
        id
    }

    fn reset(&mut self) {
        self.tree.discard(&self.made);
        self.made.clear();
    }
}

/// Where get places a text's top-level subtrees and, for a file lens read by its
/// iterations, its iterations (see [`Lens::top_spans`]).
pub(crate) struct TopSpans {
    pub(crate) entries: Vec<Range<usize>>,
    pub(crate) iters: Vec<Range<usize>>,
}

impl Lens {
    /// Where get places the top-level subtrees of `text` and, for a file lens read by its
    /// iterations ([`Lens::layout_by_iterations`]), its iterations: how put checks the
    /// layout of what it wrote. `None` when `text` does not parse.
    pub(crate) fn top_spans(&self, text: &str) -> Option<TopSpans> {
        let mut sink = HashSink {
            keys: RandomState::default(),
        };
        let (_, top, notes) = (self.run_get_full(text, false, Skels::No, true, &mut sink)).ok()?;
        Some(TopSpans {
            entries: top?.iter().map(TopEntry::span).collect(),
            iters: notes.iters.iter().map(IterSpan::span).collect(),
        })
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
        kids: &mut Vec<u64>,
        start: usize,
    ) -> u64 {
        let label = label.as_ref().map(|p| p.as_str(text));
        let value = value.as_ref().map(|p| p.as_str(text));
        let children = kids.get(start..).unwrap_or_default();
        let hash = fingerprint(&self.keys, label.as_deref(), value.as_deref(), children);
        kids.truncate(start);
        hash
    }

    fn fingerprint(&self, node: &u64) -> u64 {
        *node
    }

    fn taint(&self, node: &mut u64) {
        *node = !*node;
    }
}

/// What [`Lens::get_into`] read: the detached top-level nodes, the value set at the top
/// level, and (when asked for) the top-level subtrees' text and lens.
pub(crate) struct GotFile {
    pub(crate) children: Vec<NodeId>,
    pub(crate) value: Option<String>,
    pub(crate) top: Option<Vec<TopEntry>>,
    /// With `top`: what get noted of the entries (see [`TopNotes`]).
    pub(crate) notes: TopNotes,
}

/// A whole get, and (when asked) the text and lens of each top-level subtree, with what
/// get noted of them.
type GotTop<N> = (Got<N>, Option<Vec<TopEntry>>, TopNotes);

/// What a whole get produced.
struct Got<N> {
    children: Vec<N>,
    value: Option<String>,
    skel: Skel,
    dict: Dict,
}

/// What get reads for the subtree it is in (or the top level): its label and value, and
/// the layouts of its children. The children themselves are on [`State::kids`].
#[derive(Default)]
struct Level<'l> {
    key: Option<(Piece<'l>, Range<usize>)>,
    value: Option<(Piece<'l>, Range<usize>)>,
    /// Made on the first entry (only when skeletons are wanted): a plain get makes and
    /// drops none.
    dict: Option<Dict>,
}

/// What a get records for put besides the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skels {
    /// Nothing: a plain get.
    No,
    /// The skeleton and the children's layouts of every subtree.
    All,
    /// As `All`, except for nested subtrees of recursive lenses: deferred entries.
    Deferred,
}

struct State<'a, 'k, S: Sink> {
    text: &'a [u8],
    /// `text` as a string.
    src: &'a str,
    seqs: FxHashMap<&'a str, u64>,
    /// How many `seq` and `counter` lenses get has read so far.
    seq_uses: u64,
    skel: bool,
    /// Nested subtrees of recursive lenses get a deferred entry (span, fingerprint and
    /// lens) instead of their skeleton and children's layouts (see
    /// [`Lens::parse_layout`]).
    defer: bool,
    /// The length of the text of the subtree being read (of the whole text outside any).
    outer: usize,
    spans: bool,
    sink: &'k mut S,
    /// How many subtrees deep get is.
    depth: usize,
    /// When wanted: the text and lens of each top-level subtree, in order.
    top: Option<Vec<TopEntry>>,
    /// With `top`, when the lens's `seq` numbers run on across entries: the counters at
    /// the entries' starts, and `seq_uses` when they were last recorded.
    top_seqs: Option<(SeqsAt, u64)>,
    /// With `top`: the entries holding a `square` whose ends differ in case.
    top_relabeled: Vec<u32>,
    /// With `top`, for a file lens whose layout is recorded by iterations (see
    /// [`Lens::layout_by_iterations`]): its address, and its iterations so far.
    top_iters: Option<(usize, Vec<IterSpan>)>,
    /// How many `square`s get has read whose ends differ in case (see [`Sink::taint`]).
    relabels: u64,
    /// The nodes made and not yet given to a parent, in order: a subtree's children are
    /// the tail its body adds, which the sink takes when it makes the subtree's node (one
    /// stack for the whole get rather than a vector per subtree).
    kids: Vec<S::Node>,
    /// Spare boundary vectors for concatenations (one per nesting level in use).
    pool: Vec<Vec<usize>>,
    /// Where the pieces of each lens are: with automata or by structure.
    split: Splitter<'a>,
    /// The recursive lenses being read, with the text each reads: reading one again on
    /// the same text means the text has endless parses (left recursion that reads
    /// nothing), which C reports as an ambiguous parse.
    reading: rustc_hash::FxHashSet<(u64, usize, usize)>,
}

impl Lens {
    /// Reads `text` into a tree (the lens's get direction).
    pub fn get(&self, text: &str) -> Result<Parsed, GetError> {
        let got = self.run_get(text, false, SubtreeSink)?;
        Ok(Parsed {
            children: got.children,
            value: got.value,
        })
    }

    /// Reads `text` straight into `tree`: the top-level nodes come back detached, for the
    /// caller to [`Tree::adopt`], with the value the lens set at the top level. On failure
    /// nothing is left in the tree. `spans` records where each node came from.
    /// With `layout`, also returns where each top-level subtree was read from, as
    /// [`Layout`](super::layout::Layout) entries (without their labels, which the caller takes from the tree).
    pub(crate) fn get_into(
        &self,
        text: &str,
        spans: bool,
        layout: bool,
        tree: &mut Tree,
    ) -> Result<GotFile, GetError> {
        let mut sink = TreeSink::new(tree);
        match self.run_get_full(text, spans, Skels::No, layout, &mut sink) {
            Ok((got, top, notes)) => Ok(GotFile {
                children: got.children,
                value: got.value,
                top,
                notes,
            }),
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
        mut sink: S,
    ) -> Result<Got<S::Node>, GetError> {
        self.run_get_full(text, spans, Skels::No, false, &mut sink)
            .map(|(got, _, _)| got)
    }

    /// Runs get on `text` the way [`Engine`] says; when splitting by structure fails, runs
    /// it again with automata, whose errors are those of Augeas (position of the longest
    /// viable prefix, expected regexp).
    fn run_get_full<'a, S: Sink>(
        &'a self,
        text: &'a str,
        spans: bool,
        skel: Skels,
        top: bool,
        sink: &mut S,
    ) -> Result<GotTop<S::Node>, GetError> {
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
        skel: Skels,
        top: bool,
        sink: &mut S,
        structural: bool,
    ) -> Result<GotTop<S::Node>, GetError> {
        let mut st = State::new(text, skel, spans, sink, structural);
        st.top = top.then(Vec::new);
        st.top_seqs = (top && self.seqs_run_on()).then(|| (SeqsAt::default(), 0));
        st.top_iters = (top && !self.layout_by_subtrees() && self.layout_by_iterations())
            .then(|| (lens_id(self), Vec::new()));
        let n = st.text.len();
        // An iteration is read as far as it goes, and fails where it stops.
        // A recursive lens is first read forward (one pass, when it can tell each choice by
        // looking ahead): that parse reads the whole text, and its splits answer get.
        let forward = st.split.forward(self, 0, n);
        if !forward
            && (self.0.rec || !matches!(self.0.kind, Kind::Star(_)))
            && !st.split.matches(self, 0, n)
        {
            if self.0.rec {
                // Point where parsing went furthest, as C does: past the last part that
                // matched; with C's message for a text its parser for recursive lenses
                // rejects.
                let pos = st.split.reach(self, 0, n);
                return Err(*st.rec_error(self, pos, "Syntax error"));
            }
            // As C: the longest prefix the lens matches is read (which may fail first,
            // e.g. an iteration inside it), and the error is where it ends.
            let Some(r) = self.0.ctype.longest_match(st.text, 0, n) else {
                return Err(*st.error(self, 0, "Input string does not match at all"));
            };
            let mut lvl = Level::default();
            if let Err(e) = st.get(self, 0, r, &mut lvl) {
                return Err(*e);
            }
            return Err(*st.error(self, r, "Get did not match entire input"));
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
                children: std::mem::take(&mut st.kids),
                value,
                skel,
                dict: lvl.dict.unwrap_or_default(),
            },
            st.top,
            TopNotes {
                seqs: st.top_seqs.map(|(at, _)| at).unwrap_or_default(),
                relabeled: st.top_relabeled,
                iters: st.top_iters.map(|(_, v)| v).unwrap_or_default(),
            },
        ))
    }

    /// Reads `text` and returns the skeleton and dictionary put needs, and the keys of
    /// the fingerprints recorded in the dictionary. With `defer`, nested subtrees of
    /// recursive lenses are recorded as deferred entries (span, fingerprint and lens
    /// only): put reads again, from its span alone, only an entry it does not copy as it
    /// was, so a save of one edit in a big file keeps the layout of one level of the file
    /// and of the entries around the edit, not of the whole file.
    pub(crate) fn parse_layout(
        &self,
        text: &str,
        defer: bool,
    ) -> Result<(Skel, Dict, RandomState), GetError> {
        let mut sink = HashSink {
            keys: RandomState::default(),
        };
        let (got, _, _) = self.run_get_full(
            text,
            false,
            if defer { Skels::Deferred } else { Skels::All },
            false,
            &mut sink,
        )?;
        Ok((got.skel, got.dict, sink.keys))
    }
}

impl Lens {
    /// Parses the original subtree `text[span]`, read by this subtree lens, into its
    /// dictionary entry (with fingerprints keyed by `keys`). `recs` are the bodies of the
    /// recursive lenses this one may refer to; with `defer`, its own nested subtrees of
    /// recursive lenses are deferred entries, as in [`Lens::parse_layout`]. Its `seq`
    /// numbers start from `seqs` (name, next number), where the whole text had them.
    pub(crate) fn parse_entry(
        &self,
        text: &str,
        span: Range<usize>,
        keys: &RandomState,
        recs: &FxHashMap<u64, Lens>,
        defer: bool,
        seqs: &[(&str, u64)],
    ) -> Result<Entry, GetError> {
        let run = |structural: bool| -> Result<Entry, GetError> {
            let mut sink = HashSink { keys: keys.clone() };
            let skels = if defer { Skels::Deferred } else { Skels::All };
            let mut st = State::new(text, skels, false, &mut sink, structural);
            // The entry is the whole here: never deferred itself.
            st.outer = span.len();
            st.seqs.extend(seqs.iter().copied());
            for (id, body) in recs {
                st.split.enter(*id, body);
            }
            // Read forward first, as a whole text is (see `run_get_once`).
            st.split.forward(self, span.start, span.end);
            let mut lvl = Level::default();
            st.get(self, span.start, span.end, &mut lvl)
                .map_err(|e| *e)?;
            match lvl.dict.as_mut().and_then(Dict::take_last) {
                Some(e) => Ok(e),
                None => Err(*st.error(self, span.start, "not a subtree")),
            }
        };
        // As the file was read: a big file's automata exist since its load, and reading
        // each of many entries by structure would cost far more (its parser's tables are
        // made afresh for every entry).
        let structural = structural_for(text.len());
        match run(structural) {
            // Again with automata, for Augeas's error.
            Err(_) if structural && engine() == Engine::Auto => run(false),
            r => r,
        }
    }

    /// The skeleton of this lens read from `text[span]` alone: for put, the `del`s of
    /// one iteration of a file lens whose layout was recorded by iterations (see
    /// [`Lens::layout_by_iterations`]); what its subtrees hold comes from the layout's
    /// entries.
    pub(crate) fn parse_skel(&self, text: &str, span: Range<usize>) -> Result<Skel, GetError> {
        let run = |structural: bool| -> Result<Skel, GetError> {
            let mut sink = HashSink {
                keys: RandomState::default(),
            };
            let mut st = State::new(text, Skels::All, false, &mut sink, structural);
            st.split.forward(self, span.start, span.end);
            let mut lvl = Level::default();
            st.get(self, span.start, span.end, &mut lvl).map_err(|e| *e)
        };
        // As the file was read (see `parse_entry`).
        let structural = structural_for(text.len());
        match run(structural) {
            Err(_) if structural && engine() == Engine::Auto => run(false),
            r => r,
        }
    }
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
    fn new(text: &'a str, skel: Skels, spans: bool, sink: &'k mut S, structural: bool) -> Self {
        State {
            text: text.as_bytes(),
            src: text,
            seqs: FxHashMap::default(),
            seq_uses: 0,
            skel: skel != Skels::No,
            defer: skel == Skels::Deferred,
            outer: text.len(),
            spans,
            sink,
            depth: 0,
            reading: rustc_hash::FxHashSet::default(),
            top: None,
            top_seqs: None,
            top_relabeled: Vec::new(),
            top_iters: None,
            relabels: 0,
            kids: Vec::new(),
            pool: Vec::new(),
            split: Splitter::new(text.as_bytes(), structural),
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

    /// Fails with the parser's problem, if it met one, else with `message`.
    fn rec_error(&self, lens: &Lens, pos: usize, message: &str) -> Box<GetError> {
        let why = Fail::NoMatch(self.split.parser_error());
        self.fail(lens, pos, pos, why, message)
    }

    /// The error for `text[s..e]` that does not split: `message` at `s`, or the parser's
    /// problem if it met one; an ambiguous parse at `e`.
    fn fail(&self, lens: &Lens, s: usize, e: usize, why: Fail, message: &str) -> Box<GetError> {
        match why {
            Fail::NoMatch(Some(p)) => self.error(lens, s, &p.message()),
            Fail::NoMatch(None) => self.error(lens, s, message),
            Fail::Ambiguous => self.error(lens, e, "Ambiguous parse"),
        }
    }

    /// Reads `text[s..e]` with `lens` when it is one of the commonest leaves (`del`,
    /// `store`, `key`, `label`): what [`State::get`] does for them, without a call of the
    /// whole of it. `None` for any other lens.
    #[inline(always)]
    fn leaf(&mut self, lens: &'a Lens, s: usize, e: usize, lvl: &mut Level<'a>) -> Option<Skel> {
        Some(match &lens.0.kind {
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
            _ => return None,
        })
    }

    /// [`State::get`] of a part of a concatenation or an iteration: leaves inline.
    #[inline(always)]
    fn get_part(
        &mut self,
        lens: &'a Lens,
        s: usize,
        e: usize,
        lvl: &mut Level<'a>,
    ) -> Result<Skel, Box<GetError>> {
        match self.leaf(lens, s, e, lvl) {
            Some(sk) => Ok(sk),
            None => self.get(lens, s, e, lvl),
        }
    }

    /// Reads `text[s..e]` with `lens` into `lvl`, returning its skeleton (when wanted).
    fn get(
        &mut self,
        lens: &'a Lens,
        s: usize,
        e: usize,
        lvl: &mut Level<'a>,
    ) -> Result<Skel, Box<GetError>> {
        if let Some(sk) = self.leaf(lens, s, e, lvl) {
            return Ok(sk);
        }
        Ok(match &lens.0.kind {
            // Read by `leaf` above.
            Kind::Del { .. } | Kind::Store { .. } | Kind::Key { .. } | Kind::Label(_) => Skel::None,
            Kind::Value(v) => {
                if self.sink.keeps() {
                    lvl.value = Some((Piece::Lit(v), 0..0));
                }
                Skel::Value
            }
            Kind::Seq(name) => {
                self.seq_uses += 1;
                let c = self.seqs.entry(name).or_insert(1);
                lvl.key = Some((Piece::Num(*c), 0..0));
                *c += 1;
                Skel::Seq
            }
            Kind::Counter(name) => {
                self.seq_uses += 1;
                self.seqs.insert(name, 1);
                Skel::Counter
            }
            Kind::Concat(parts) => {
                let mut bounds = self.pool.pop().unwrap_or_default();
                if let Err(why) = self.split.concat(lens, parts, s, e, &mut bounds) {
                    return Err(self.fail(lens, s, e, why, "concatenation did not match"));
                }
                let skel = if self.skel {
                    let mut skels = Vec::with_capacity(parts.len());
                    for (i, p) in parts.iter().enumerate() {
                        skels.push(self.get_part(p, bounds[i], bounds[i + 1], lvl)?);
                    }
                    Skel::Concat(skels)
                } else {
                    for (i, p) in parts.iter().enumerate() {
                        let sk = self.get_part(p, bounds[i], bounds[i + 1], lvl)?;
                        discard(sk);
                    }
                    Skel::None
                };
                self.pool.push(bounds);
                skel
            }
            Kind::Union(alts) => match self.split.union(lens, alts, s, e) {
                Ok(alt) => self.get(alt, s, e, lvl)?,
                Err(why) => {
                    let msg = "None of the alternatives in the union match";
                    return Err(self.fail(lens, s, e, why, msg));
                }
            },
            Kind::Star(body) => {
                let mut pieces = match self.split.star(lens, body, s, e) {
                    Ok(it) => it,
                    // A recursive iteration that does not split fails in its body.
                    Err(why) => {
                        let at = if matches!(why, Fail::Ambiguous) {
                            lens
                        } else {
                            body
                        };
                        let msg = "Iterated lens matched less than it should";
                        return Err(self.fail(at, s, e, why, msg));
                    }
                };
                let mut skels = Vec::new();
                // The file lens's own iterations, when its layout is recorded by them.
                let iterations = self.depth == 0
                    && (self.top_iters.as_ref()).is_some_and(|(l, _)| *l == lens_id(lens));
                while let Some((piece, part)) = self.split.next(&mut pieces) {
                    if iterations && let Some((_, iters)) = &mut self.top_iters {
                        let first = self.top.as_ref().map_or(0, Vec::len);
                        iters.push(IterSpan::new(piece.start..piece.end, first));
                    }
                    let sk = self.get_part(part, piece.start, piece.end, lvl)?;
                    self.keep(&mut skels, sk);
                }
                if let Some(p) = pieces.short() {
                    return Err(self.short_iteration(lens, body, p, e));
                }
                if self.skel {
                    Skel::Star(skels)
                } else {
                    Skel::None
                }
            }
            Kind::Maybe(body) => {
                if self.split.maybe(lens, body, s, e) {
                    self.get(body, s, e, lvl)?
                } else {
                    Skel::Empty
                }
            }
            Kind::Subtree(body) => {
                if self.depth == 0
                    && let Some(top) = &mut self.top
                {
                    if let Some((at, uses)) = &mut self.top_seqs
                        && *uses != self.seq_uses
                    {
                        *uses = self.seq_uses;
                        let index = u32::try_from(top.len()).unwrap_or(u32::MAX);
                        at.record(index, self.seqs.iter().map(|(&k, &v)| (k, v)));
                    }
                    top.push(TopEntry::new(s..e, lens));
                }
                let mut sub = Level::default();
                let kids = self.kids.len();
                let relabels = self.relabels;
                // A nested subtree of a recursive lens is read without its layout, which
                // put reads again from its span if it needs it.
                // Only one taking at most half of the subtree around it: along any path
                // down the tree, the texts put may read again then add up to at most
                // twice the file.
                let mut defer = self.skel
                    && self.defer
                    && (self.depth == 0 || lens.0.rec)
                    && (e - s).saturating_mul(2) <= self.outer;
                let before = defer.then(|| (self.seqs.clone(), self.seq_uses));
                // To read the same splits again if it is read again below.
                let tape = defer.then(|| self.split.tape_mark()).flatten();
                let (skel_here, outer) = (self.skel, self.outer);
                self.skel &= !defer;
                self.outer = e - s;
                self.depth += 1;
                let skel = self.get(body, s, e, &mut sub);
                self.depth -= 1;
                (self.skel, self.outer) = (skel_here, outer);
                let mut skel = skel?;
                if let Some((seqs, uses)) = before
                    && uses != self.seq_uses
                {
                    // It numbered nodes with `seq`, which a read of its span alone would
                    // number afresh: read it again, with its layout.
                    discard(skel);
                    self.seqs = seqs;
                    sub = Level::default();
                    self.kids.truncate(kids);
                    defer = false;
                    self.split.tape_rewind(tape);
                    self.outer = e - s;
                    self.depth += 1;
                    let again = self.get(body, s, e, &mut sub);
                    self.depth -= 1;
                    self.outer = outer;
                    skel = again?;
                }
                // As in Augeas, a label or value that is not read from the text (no
                // key or store, or `label`, `seq`, `value`) has the range 0..0.
                let span = self.spans.then(|| NodeSpan {
                    label: sub.key.as_ref().map_or(0..0, |k| k.1.clone()),
                    value: sub.value.as_ref().map_or(0..0, |v| v.1.clone()),
                    span: s..e,
                });
                let label = sub.key.as_ref().map(|k| k.0);
                let mut node = self.sink.keeps().then(|| {
                    let value = sub.value.map(|v| v.0);
                    (self.sink).node(self.src, label, value, span, &mut self.kids, kids)
                });
                if self.relabels != relabels {
                    if let Some(n) = &mut node {
                        self.sink.taint(n);
                    }
                    if self.depth == 0
                        && let Some(top) = &self.top
                        && let Some(i) = top.len().checked_sub(1)
                    {
                        self.top_relabeled
                            .push(u32::try_from(i).unwrap_or(u32::MAX));
                    }
                }
                if self.skel {
                    let name = label.map(|l| l.to_compact(self.src));
                    let hash = node.as_ref().map_or(0, |n| self.sink.fingerprint(n));
                    let entry = if defer {
                        discard(skel);
                        Entry {
                            skel: Skel::None,
                            dict: None,
                            span: s..e,
                            lens: lens_id(lens),
                            hash,
                            lazy: None,
                            deferred: Some(lens.clone()),
                        }
                    } else {
                        Entry {
                            skel,
                            dict: sub.dict.filter(|d| !d.is_empty()).map(Box::new),
                            span: s..e,
                            lens: lens_id(lens),
                            hash,
                            lazy: None,
                            deferred: None,
                        }
                    };
                    lvl.dict.get_or_insert_with(Dict::default).push(name, entry);
                } else {
                    discard(skel);
                }
                if let Some(node) = node {
                    self.kids.push(node);
                }
                if self.skel { Skel::Subtree } else { Skel::None }
            }
            Kind::Fix(id, body) => {
                self.split.enter(*id, body);
                self.get(body, s, e, lvl)?
            }
            Kind::Rec(id) => {
                let Some(body) = self.split.body(*id) else {
                    return Err(self.rec_error(lens, s, "recursive lens did not match"));
                };
                if !self.reading.insert((*id, s, e)) {
                    return Err(self.rec_error(lens, s, "Ambiguous parse"));
                }
                if self.reading.len() > MAX_NESTING {
                    let msg = RecError::TooDeep.message();
                    return Err(self.rec_error(lens, s, &msg));
                }
                let r = grow(|| self.get(body, s, e, lvl));
                self.reading.remove(&(*id, s, e));
                r?
            }
            Kind::Square(inner) => {
                let Kind::Concat(parts) = &inner.0.kind else {
                    return Err(self.error(lens, s, "malformed square lens"));
                };
                let mut bounds = Vec::with_capacity(parts.len() + 1);
                if let Err(why) = self.split.square(inner, parts, s, e, &mut bounds) {
                    return Err(self.fail(lens, s, e, why, "square did not match"));
                }
                let text = self.text;
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
                // Put writes the closing end as the label read from the opening one.
                let key_left = parts
                    .first()
                    .is_some_and(|l| matches!(l.0.kind, Kind::Key { .. }));
                if key_left && left != right {
                    self.relabels += 1;
                }
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

#[cfg(test)]
mod tests {
    use super::{Piece, TreeSink};
    use crate::tree::Tree;

    /// The label of a node made with the tree's id of `piece`.
    fn label_of(piece: Piece<'_>) -> Option<String> {
        let mut tree = Tree::new();
        let id = TreeSink::new(&mut tree).label_id("", piece);
        let node = tree.new_detached(Some(id), None, None, &[]);
        tree.label(node).map(str::to_owned)
    }

    proptest::proptest! {
        /// `seq` numbers become labels as `to_string` writes them.
        #[test]
        fn decimal_is_to_string(n in proptest::prelude::any::<u64>()) {
            proptest::prop_assert_eq!(label_of(Piece::Num(n)), Some(n.to_string()));
        }
    }

    #[test]
    fn decimal_edges() {
        for n in [0, 1, 9, 10, 99, 100, u64::MAX] {
            assert_eq!(label_of(Piece::Num(n)), Some(n.to_string()));
        }
    }
}
