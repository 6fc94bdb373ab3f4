//! The put direction: tree plus original text to new text.
//!
//! The children of each node are encoded as `label \x03 value \x04 …` and split among the
//! parts of the lens with the parts' *atypes*, exactly as Augeas does. Layout comes from the
//! skeleton and dictionary of the original text: the n-th subtree labelled L at a level
//! reuses the layout of the n-th original subtree labelled L; everything new is written with
//! the `del` defaults.

use super::layout::{IterSpan, Layout, TopEntry, TopNotes};
use super::rec::{MAX_NESTING, RecError, grow};
use super::skel::{Dict, Entry, LayoutEntries, Skel, fingerprint_tree, lens_id};
use super::split::{Scratch, atype_part, split_concat};
use super::{ENC_EQ, ENC_SLASH, Kind, Lens};
use crate::print::{node_path, quote_value};
use crate::rx::{Regex, Suffixes};
use crate::tree::{NodeId, Tree};
use foldhash::quality::RandomState;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// Why put failed. No text is produced when put fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PutError {
    /// The tree cannot be written by the lens.
    #[error("{path}: {message}")]
    Tree {
        /// The path of the node whose subtree could not be written.
        path: String,
        /// The lens that failed.
        lens: String,
        /// What went wrong, e.g. `Value 'abc' does not match regexp /[0-9]+/ in store lens`.
        message: String,
    },
    /// The original text could not be parsed to recover its layout.
    #[error("parse of the original text failed: {0}")]
    Skeleton(#[from] super::GetError),
}

/// The children of one node, encoded for matching against atypes.
struct Level<'t> {
    node: NodeId,
    kids: &'t [NodeId],
    enc: Vec<u8>,
    /// `off[i]` is where child `i`'s encoding starts; `off[kids.len()]` is the end.
    off: Vec<usize>,
}

impl<'t> Level<'t> {
    fn new(tree: &'t Tree, node: NodeId) -> Self {
        let kids = tree.children(node);
        let mut enc = Vec::new();
        let mut off = Vec::with_capacity(kids.len() + 1);
        for &k in kids {
            off.push(enc.len());
            enc.extend_from_slice(tree.label(k).unwrap_or("").as_bytes());
            enc.extend_from_slice(ENC_EQ.as_bytes());
            enc.extend_from_slice(tree.value(k).unwrap_or("").as_bytes());
            enc.extend_from_slice(ENC_SLASH.as_bytes());
        }
        off.push(enc.len());
        Level {
            node,
            kids,
            enc,
            off,
        }
    }

    fn range(&self, sp: Split) -> (usize, usize) {
        (
            self.off.get(sp.lo).copied().unwrap_or(0),
            self.off.get(sp.hi).copied().unwrap_or(0),
        )
    }

    /// The node index whose encoding starts at byte `pos`.
    fn index_of(&self, pos: usize) -> Option<usize> {
        self.off.binary_search(&pos).ok()
    }

    /// Like [`Level::index_of`] for a `pos` at or after node `from` starts, looking
    /// forward from there (an iteration mostly advances by one node).
    fn index_from(&self, from: usize, pos: usize) -> Option<usize> {
        let rest = self.off.get(from..)?;
        let i = rest.iter().position(|&o| o >= pos)?;
        (rest.get(i) == Some(&pos)).then_some(from + i)
    }
}

/// A range of consecutive children, `[lo, hi)`.
#[derive(Debug, Clone, Copy)]
struct Split {
    lo: usize,
    hi: usize,
}

struct Put<'a> {
    tree: &'a Tree,
    text: &'a [u8],
    /// The original text, as a string.
    src: &'a str,
    /// The recorded layout the top-level dictionary's lazy entries point into.
    layout: Option<&'a Layout>,
    /// When wanted: the top-level subtrees written, to record the new text's layout.
    top: Option<Vec<TopEntry>>,
    /// The file lens when its layout goes by iterations (see
    /// [`Lens::layout_by_iterations`]), its identity; else 0.
    iter_star: usize,
    /// With `top`, for such a lens: the iterations written.
    iters: Vec<IterSpan>,
    /// With `top`: per unit written (top-level subtree, or iteration for a lens whose
    /// layout goes by them), the original text it is a copy of, if it is one.
    copies: Vec<Option<Range<usize>>>,
    /// The original text the unit being written was copied from (see `copies`).
    copied: Option<Range<usize>>,
    out: String,
    scratch: Scratch,
    /// The keys of the fingerprints in the dictionary (none when creating a file).
    keys: Option<RandomState>,
    /// How many subtrees deep put is.
    depth: usize,
    /// The bodies of the recursive lenses met so far, by id.
    recs: Recs,
    /// How deeply recursive lenses nest at this point.
    nesting: usize,
    /// Whether the original's layout is read with deferred entries for nested subtrees
    /// of recursive lenses (see [`Lens::parse_layout`]), and entries read on demand too.
    defer: bool,
}

/// The bodies of recursive lenses, by id (see [`Kind::Fix`]).
type Recs = FxHashMap<u64, Lens>;

/// Subtrees nested deeper than this are written by put even when unchanged: fingerprinting
/// a node costs its size, and doing that at every level would cost size × depth.
const REUSE_DEPTH: usize = 4;

impl Lens {
    /// Writes the children (and value) of `node` back to text, reusing the layout of
    /// `original` (the lens's put direction). With an unchanged tree the result is
    /// `original` itself, byte for byte.
    pub fn put(&self, tree: &Tree, node: NodeId, original: &str) -> Result<String, PutError> {
        self.put_file(tree, node, original, None)
            .map(|(text, _, _)| text)
    }

    /// [`Lens::put`] for a file: when `layout` was recorded for this very text, lens and
    /// file node, the original text is not parsed again. When the lens's layout can be
    /// recorded (see [`Lens::layout_by_subtrees`]) and the node labels are those a reload
    /// would read ([`Lens::labels_survive_save`]), also returns the top-level entries of
    /// the text written, in the order of the node's children (labels left empty), and
    /// what put notes of them (the iterations of a lens whose layout goes by them).
    pub(crate) fn put_file(
        &self,
        tree: &Tree,
        node: NodeId,
        original: &str,
        layout: Option<&Layout>,
    ) -> Result<(String, Option<Vec<TopEntry>>, TopNotes), PutError> {
        // Only recursive lenses defer: the layouts of regular ones are recorded at load.
        let defer = self.0.rec;
        let by_subtrees = self.layout_by_subtrees();
        let by_iterations = !by_subtrees && self.layout_by_iterations();
        let eligible = by_subtrees || by_iterations;
        // Put does not count `seq` numbers: where they run on across entries, the text
        // it writes has no layout until it is read again.
        let record = eligible && self.labels_survive_save() && !self.seqs_run_on();
        let layout = layout.filter(|l| {
            eligible && l.describes(original, self, node) && (by_subtrees || l.by_iterations())
        });
        let (skel, mut dict, keys) = match layout {
            Some(l) => (None, l.dict(), RandomState::default()),
            None => {
                let (skel, dict, keys) = self.parse_layout(original, defer)?;
                (Some(skel), dict, keys)
            }
        };
        let mut p = Put {
            tree,
            text: original.as_bytes(),
            src: original,
            layout,
            top: record.then(Vec::new),
            iter_star: if by_iterations { lens_id(self) } else { 0 },
            iters: Vec::new(),
            copies: Vec::new(),
            copied: None,
            out: String::with_capacity(original.len() + 64),
            scratch: Scratch::default(),
            keys: Some(keys),
            depth: 0,
            recs: Recs::default(),
            nesting: 0,
            defer,
        };
        let skel = skel.filter(|s| instance_of(self, s, p.text, &p.recs));
        p.top_level(self, node, skel.as_ref(), &mut dict)?;
        let top = p.top.take().filter(|top| p.reads_back(self, top));
        let notes = TopNotes {
            iters: if top.is_some() { p.iters } else { Vec::new() },
            ..TopNotes::default()
        };
        Ok((p.out, top, notes))
    }

    /// Writes the children of `node` with the lens defaults only, as for a new file.
    pub fn create(&self, tree: &Tree, node: NodeId) -> Result<String, PutError> {
        let mut p = Put {
            tree,
            text: b"",
            src: "",
            layout: None,
            top: None,
            iter_star: 0,
            iters: Vec::new(),
            copies: Vec::new(),
            copied: None,
            out: String::new(),
            scratch: Scratch::default(),
            keys: None,
            depth: 0,
            recs: Recs::default(),
            nesting: 0,
            defer: false,
        };
        p.top_level(self, node, None, &mut Dict::new())?;
        Ok(p.out)
    }
}

/// Whether `skel` has the shape of `lens` (Augeas's `skel_instance_of`): only then can put
/// reuse it; otherwise the part is created from defaults. `recs` resolves references to
/// recursive lenses.
fn instance_of(lens: &Lens, skel: &Skel, text: &[u8], recs: &Recs) -> bool {
    instance_at(lens, skel, text, recs, 0)
}

fn instance_at(lens: &Lens, skel: &Skel, text: &[u8], recs: &Recs, nest: usize) -> bool {
    let instance_of = |l: &Lens, s: &Skel, text: &[u8]| instance_at(l, s, text, recs, nest);
    match (&lens.0.kind, skel) {
        (Kind::Del { re, .. }, Skel::Del(a, b)) => re.matches_span(text, *a, *b),
        (Kind::Store { .. }, Skel::Store)
        | (Kind::Key { .. }, Skel::Key)
        | (Kind::Label(_), Skel::Label)
        | (Kind::Value(_), Skel::Value)
        | (Kind::Seq(_), Skel::Seq)
        | (Kind::Counter(_), Skel::Counter)
        | (Kind::Subtree(_), Skel::Subtree) => true,
        (Kind::Concat(parts), Skel::Concat(skels)) => {
            parts.len() == skels.len()
                && parts
                    .iter()
                    .zip(skels)
                    .all(|(l, s)| instance_of(l, s, text))
        }
        (Kind::Union(alts), s) => alts.iter().any(|a| instance_of(a, s, text)),
        (Kind::Maybe(_), Skel::Empty) => true,
        (Kind::Maybe(body), s) => instance_of(body, s, text),
        (Kind::Star(body), Skel::Star(skels)) => skels.iter().all(|s| instance_of(body, s, text)),
        (Kind::Square(inner), Skel::Square(s)) => instance_of(inner, s, text),
        (Kind::Fix(_, body), s) => instance_of(body, s, text),
        (Kind::Rec(id), s) => {
            nest < MAX_NESTING
                && recs
                    .get(id)
                    .is_some_and(|b| grow(|| instance_at(b, s, text, recs, nest + 1)))
        }
        _ => false,
    }
}

impl Put<'_> {
    /// Writes all the children of `node` with `lens`, the whole file's text.
    fn top_level(
        &mut self,
        lens: &Lens,
        node: NodeId,
        skel: Option<&Skel>,
        dict: &mut Dict,
    ) -> Result<(), PutError> {
        let lvl = Level::new(self.tree, node);
        // Like C (`lns_put` of no tree), no nodes at all are written as no text, whatever
        // the lens.
        if lvl.kids.is_empty() {
            return Ok(());
        }
        let all = Split {
            lo: 0,
            hi: lvl.kids.len(),
        };
        if !self.applies(lens, &lvl, all) {
            return Err(self.no_match(lens, &lvl, all));
        }
        self.put(lens, &lvl, all, skel, dict, None)
    }

    fn path(&self, node: NodeId) -> String {
        node_path(self.tree, node).unwrap_or_else(|| "/".to_owned())
    }

    fn fail(&self, lens: &Lens, lvl: &Level<'_>, message: String) -> PutError {
        PutError::Tree {
            path: self.path(lvl.node),
            lens: super::get::lens_name(lens),
            message,
        }
    }

    fn no_match(&self, lens: &Lens, lvl: &Level<'_>, sp: Split) -> PutError {
        if let Some(e) = self.diagnose(lens, lvl, sp) {
            return e;
        }
        let mut nodes = String::new();
        for &k in lvl.kids.get(sp.lo..sp.hi).unwrap_or_default() {
            nodes.push_str(" { ");
            match self.tree.label(k) {
                Some(l) => nodes.push_str(&quote_value(l)),
                None => nodes.push_str("<hidden>"),
            }
            if let Some(v) = self.tree.value(k) {
                nodes.push_str(" = ");
                nodes.push_str(&quote_value(v));
            }
            nodes.push_str(" }");
        }
        self.fail(
            lens,
            lvl,
            format!(
                "Failed to match tree under {}\n\n    {}\n\n  with pattern\n    {}",
                self.path(lvl.node),
                nodes.trim_start(),
                lens
            ),
        )
    }

    /// Looks for a node of the split that no subtree of `lens` at this level can write,
    /// and says why: its label fits no subtree, or its value does not fit.
    fn diagnose(&self, lens: &Lens, lvl: &Level<'_>, sp: Split) -> Option<PutError> {
        let mut subtrees = Vec::new();
        let mut stack = vec![lens];
        while let Some(l) = stack.pop() {
            match &l.0.kind {
                Kind::Subtree(_) => subtrees.push(l),
                _ => stack.extend(l.parts()),
            }
        }
        for i in sp.lo..sp.hi {
            let (a, b) = lvl.range(Split { lo: i, hi: i + 1 });
            if subtrees
                .iter()
                .any(|s| s.0.atype.matches_span(&lvl.enc, a, b))
            {
                continue;
            }
            let node = *lvl.kids.get(i)?;
            let label = self.tree.label(node).unwrap_or("");
            let value = self.tree.value(node);
            let path = self.path(node);
            let fitting: Vec<&Lens> = subtrees
                .iter()
                .copied()
                .filter(|s| match &s.0.kind {
                    Kind::Subtree(body) => body
                        .0
                        .ktype
                        .as_ref()
                        .map_or(label.is_empty(), |k| k.is_match(label.as_bytes())),
                    _ => false,
                })
                .collect();
            let message = match (fitting.first(), value) {
                (None, _) => format!("no lens at this place writes a node labelled '{label}'"),
                (Some(s), v) => {
                    let vtype = match &s.0.kind {
                        Kind::Subtree(body) => body.0.vtype.as_ref(),
                        _ => None,
                    };
                    match (vtype, v) {
                        (Some(re), Some(v)) => {
                            format!("Value '{v}' does not match regexp /{re}/ in store lens")
                        }
                        (Some(_), None) => "Can not store a nonexistent (NULL) value".to_owned(),
                        (None, Some(v)) => format!("the node cannot have a value, but has '{v}'"),
                        (None, None) => continue,
                    }
                }
            };
            return Some(PutError::Tree {
                path,
                lens: super::get::lens_name(lens),
                message,
            });
        }
        None
    }

    /// Augeas's `applies`: the part's atype matches the whole split; an empty split only
    /// applies to a value-carrying part when the node has a value.
    fn applies(&self, lens: &Lens, lvl: &Level<'_>, sp: Split) -> bool {
        let (a, b) = lvl.range(sp);
        if !lens.0.atype.matches_span(&lvl.enc, a, b) {
            return false;
        }
        if a == b && lens.0.value {
            return self.tree.value(lvl.node).is_some();
        }
        true
    }

    fn split_concat(
        &mut self,
        lens: &Lens,
        parts: &[Lens],
        (suffix, all): (&[(Regex, bool)], &Suffixes),
        lvl: &Level<'_>,
        sp: Split,
    ) -> Result<Vec<Split>, PutError> {
        let (a, b) = lvl.range(sp);
        let bounds = split_concat(
            false,
            &lvl.enc,
            a,
            b,
            parts,
            atype_part,
            suffix,
            all,
            &mut self.scratch,
        )
        .ok_or_else(|| self.no_match(lens, lvl, sp))?;
        let idx: Option<Vec<usize>> = bounds.iter().map(|&p| lvl.index_of(p)).collect();
        let idx = idx.ok_or_else(|| self.no_match(lens, lvl, sp))?;
        Ok(idx
            .windows(2)
            .map(|w| Split { lo: w[0], hi: w[1] })
            .collect())
    }

    fn put(
        &mut self,
        lens: &Lens,
        lvl: &Level<'_>,
        sp: Split,
        skel: Option<&Skel>,
        dict: &mut Dict,
        over: Option<&str>,
    ) -> Result<(), PutError> {
        match &lens.0.kind {
            Kind::Del { default, .. } => {
                if let Some(o) = over {
                    self.out.push_str(o);
                } else if let Some(Skel::Del(a, b)) = skel {
                    let t = self.text.get(*a..*b).unwrap_or_default();
                    self.out.push_str(&String::from_utf8_lossy(t));
                } else {
                    self.out.push_str(default);
                }
            }
            Kind::Store { re } => {
                let Some(v) = self.tree.value(lvl.node) else {
                    return Err(self.fail(
                        lens,
                        lvl,
                        "Can not store a nonexistent (NULL) value".to_owned(),
                    ));
                };
                if !re.is_match(v.as_bytes()) {
                    return Err(self.fail(
                        lens,
                        lvl,
                        format!("Value '{v}' does not match regexp /{re}/ in store lens"),
                    ));
                }
                self.out.push_str(v);
            }
            Kind::Key { re } => {
                let l = self.tree.label(lvl.node).unwrap_or("");
                if !re.is_match(l.as_bytes()) {
                    return Err(self.fail(
                        lens,
                        lvl,
                        format!("Key '{l}' does not match regexp /{re}/ in key lens"),
                    ));
                }
                self.out.push_str(l);
            }
            Kind::Label(_) | Kind::Value(_) | Kind::Seq(_) | Kind::Counter(_) => {}
            Kind::Concat(parts) => {
                let splits = self.split_concat(
                    lens,
                    parts,
                    (&lens.0.split.asuffix, &lens.0.split.asuffixes),
                    lvl,
                    sp,
                )?;
                let skels = match skel {
                    Some(Skel::Concat(v)) => Some(v),
                    _ => None,
                };
                for (i, (p, s)) in parts.iter().zip(splits).enumerate() {
                    let sk = skels.and_then(|v| v.get(i));
                    self.put(p, lvl, s, sk, dict, over)?;
                }
            }
            Kind::Union(alts) => {
                let Some(alt) = alts.iter().find(|a| self.applies(a, lvl, sp)) else {
                    return Err(self.fail(
                        lens,
                        lvl,
                        "None of the alternatives in the union match".to_owned(),
                    ));
                };
                let sk = skel.filter(|s| instance_of(alt, s, self.text, &self.recs));
                self.put(alt, lvl, sp, sk, dict, over)?;
            }
            Kind::Star(body) => {
                let (a, b) = lvl.range(sp);
                let skels = match skel {
                    Some(Skel::Star(v)) => Some(v),
                    _ => None,
                };
                let mut p = a;
                let mut lo = sp.lo;
                let mut i = 0;
                // The file lens's own iterations, when its layout goes by them.
                let iterations = self.depth == 0 && self.iter_star == lens_id(lens);
                while p < b {
                    let q = match body.0.atype.longest_match(&lvl.enc, p, b) {
                        Some(q) if q > p => q,
                        _ => break,
                    };
                    let Some(hi) = lvl.index_from(lo, q) else {
                        break;
                    };
                    let (start, first) = (self.out.len(), self.top.as_ref().map_or(0, Vec::len));
                    self.copied = None;
                    match self.layout {
                        Some(layout) if iterations => {
                            self.put_iteration(body, layout, i, lvl, Split { lo, hi }, dict, over)?;
                        }
                        _ => {
                            let sk = skels
                                .and_then(|v| v.get(i))
                                .filter(|s| instance_of(body, s, self.text, &self.recs));
                            self.put(body, lvl, Split { lo, hi }, sk, dict, over)?;
                        }
                    }
                    if iterations && self.top.is_some() {
                        self.iters.push(IterSpan::new(start..self.out.len(), first));
                        self.copies.push(self.copied.take());
                    }
                    p = q;
                    lo = hi;
                    i += 1;
                }
                if p < b {
                    return Err(self.no_match(body, lvl, Split { lo, hi: sp.hi }));
                }
            }
            Kind::Maybe(body) => {
                if self.applies(body, lvl, sp) {
                    let sk = skel.filter(|s| instance_of(body, s, self.text, &self.recs));
                    self.put(body, lvl, sp, sk, dict, over)?;
                }
            }
            Kind::Subtree(body) => {
                let start = self.out.len();
                let unit = self.depth == 0 && self.iter_star == 0;
                if unit {
                    self.copied = None;
                }
                self.put_subtree(lens, body, lvl, sp, dict)?;
                if self.depth == 0
                    && let Some(top) = &mut self.top
                {
                    top.push(TopEntry::new(start..self.out.len(), lens));
                    if unit {
                        self.copies.push(self.copied.take());
                    }
                }
            }
            Kind::Fix(id, body) => {
                self.recs.insert(*id, body.clone());
                self.put(body, lvl, sp, skel, dict, over)?;
            }
            Kind::Rec(id) => {
                let Some(body) = self.recs.get(id).cloned() else {
                    return Err(self.fail(lens, lvl, RecError::Unbound.message()));
                };
                if self.nesting >= MAX_NESTING {
                    return Err(self.fail(lens, lvl, RecError::TooDeep.message()));
                }
                self.nesting += 1;
                let r = grow(|| self.put(&body, lvl, sp, skel, dict, over));
                self.nesting -= 1;
                r?;
            }
            Kind::Square(inner) => {
                let Kind::Concat(parts) = &inner.0.kind else {
                    return Err(self.fail(lens, lvl, "malformed square lens".to_owned()));
                };
                let splits = self.split_concat(
                    inner,
                    parts,
                    (&inner.0.split.asuffix, &inner.0.split.asuffixes),
                    lvl,
                    sp,
                )?;
                let skels = match skel {
                    Some(Skel::Square(s)) => match s.as_ref() {
                        Skel::Concat(v) => Some(v),
                        _ => None,
                    },
                    _ => None,
                };
                let key_left = parts
                    .first()
                    .is_some_and(|l| matches!(l.0.kind, Kind::Key { .. }));
                let n = parts.len();
                let label = self.tree.label(lvl.node).map(str::to_owned);
                for (i, (p, s)) in parts.iter().zip(splits).enumerate() {
                    let sk = skels.and_then(|v| v.get(i));
                    let o = if i + 1 == n && key_left {
                        label.as_deref()
                    } else {
                        over
                    };
                    self.put(p, lvl, s, sk, dict, o)?;
                }
            }
        }
        Ok(())
    }

    /// Writes iteration `i` of the file lens's top-level `*` (whose body is `body`), for
    /// the nodes `sp` selects, from the layout recorded by iterations: as C, with the
    /// `del`s of the original's iteration `i`, read from its text alone; or as that text
    /// itself when it held one subtree, and that subtree's node, unchanged, is the one
    /// written here (GetPut).
    #[allow(clippy::too_many_arguments)]
    fn put_iteration(
        &mut self,
        body: &Lens,
        layout: &Layout,
        i: usize,
        lvl: &Level<'_>,
        sp: Split,
        dict: &mut Dict,
        over: Option<&str>,
    ) -> Result<(), PutError> {
        let Some((span, entries)) = layout.iteration(i) else {
            // Past the original's iterations: defaults.
            return self.put(body, lvl, sp, None, dict, over);
        };
        if let [node] = lvl.kids.get(sp.lo..sp.hi).unwrap_or_default()
            && entries.len() == 1
            && self.tree.origin(*node) == u32::try_from(entries.start).ok()
            && !layout.relabels(entries.start)
            && let Some(entry) = layout.get(entries.start)
            && let Some(text) = self.src.get(span.clone())
            && dict.next_is(self.tree.label(*node), layout, entries.start)
        {
            dict.pop(self.tree.label(*node), Some(layout));
            let at = self.out.len() + (entry.span.start - span.start);
            if let Some(top) = &mut self.top {
                top.push(TopEntry::new(at..at + entry.span.len(), entry.lens));
            }
            self.out.push_str(text);
            self.copied = Some(span);
            return Ok(());
        }
        let skel = body
            .parse_skel(self.src, span)
            .map_err(PutError::Skeleton)?;
        let sk = Some(&skel).filter(|s| instance_of(body, s, self.text, &self.recs));
        self.put(body, lvl, sp, sk, dict, over)
    }

    /// Notes that the subtree just written is a copy of the original's `span`, when it is
    /// a unit of the layout (a top-level subtree of a lens whose layout goes by them).
    fn copied_here(&mut self, span: Range<usize>) {
        if self.depth == 0 && self.iter_star == 0 {
            self.copied = Some(span);
        }
    }

    /// Whether the text written reads back as the layout put recorded (`top`, and the
    /// iterations for a lens whose layout goes by them). C reads the text again at the
    /// next save, and a unit written anew may read otherwise: Httpd's section, written
    /// `</directive>` and a newline, takes the empty line after it into its closing `del`.
    /// So the units written anew, and the units that meet where they did not meet in the
    /// original, are read again, in runs, each run alone. `false` as well when one of
    /// them is more than a quarter of the text (Nginx's one `http` block): a layout of so
    /// big a unit saves the next save nothing, since a changed unit is read again whole.
    fn reads_back(&self, lens: &Lens, top: &[TopEntry]) -> bool {
        let units: Vec<Range<usize>> = if self.iter_star != 0 {
            self.iters.iter().map(IterSpan::span).collect()
        } else {
            top.iter().map(TopEntry::span).collect()
        };
        if units.len() != self.copies.len() {
            return false;
        }
        // A unit is read again if it was written anew, or meets a unit it did not meet.
        let mut check: Vec<bool> = self.copies.iter().map(Option::is_none).collect();
        for (i, pair) in self.copies.windows(2).enumerate() {
            let met = matches!(pair, [Some(a), Some(b)] if a.end == b.start);
            if !met && let Some(both) = check.get_mut(i..i + 2) {
                both.fill(true);
            }
        }
        let big = (self.out.len() / 4).max(64 * 1024);
        let mut i = 0;
        while i < units.len() {
            if !check[i] {
                i += 1;
                continue;
            }
            let first = i;
            while check.get(i + 1) == Some(&true) {
                i += 1;
            }
            let (Some(a), Some(b)) = (units.get(first), units.get(i)) else {
                return false;
            };
            let run = units.get(first..=i).unwrap_or_default();
            if run.iter().any(|u| u.len() > big)
                || !self.window_reads_back(lens, a.start..b.end, run, top)
            {
                return false;
            }
            i += 1;
        }
        true
    }

    /// Whether the text written at `window`, read alone by the file lens, gives `units`
    /// (and the top-level subtrees of `top` that lie there).
    fn window_reads_back(
        &self,
        lens: &Lens,
        window: Range<usize>,
        units: &[Range<usize>],
        top: &[TopEntry],
    ) -> bool {
        let Some(read) = self.out.get(window.clone()).and_then(|t| lens.top_spans(t)) else {
            return false;
        };
        let at = window.start;
        let shift = |r: &Range<usize>| r.start + at..r.end + at;
        let inside = top
            .iter()
            .map(TopEntry::span)
            .filter(|r| r.start >= window.start && r.end <= window.end);
        if !read.entries.iter().map(shift).eq(inside) {
            return false;
        }
        self.iter_star == 0 || read.iters.iter().map(shift).eq(units.iter().cloned())
    }

    /// Writes the subtree lens `lens` (whose body is `body`) for the node `sp` selects.
    fn put_subtree(
        &mut self,
        lens: &Lens,
        body: &Lens,
        lvl: &Level<'_>,
        sp: Split,
        dict: &mut Dict,
    ) -> Result<(), PutError> {
        let Some(&node) = lvl.kids.get(sp.lo) else {
            return Err(self.fail(lens, lvl, "no node for subtree".to_owned()));
        };
        let layout = self.layout.map(|l| l as &dyn LayoutEntries);
        let (sk, mut sub) = match dict.pop(self.tree.label(node), layout) {
            Some(entry @ Entry { lazy: Some(k), .. }) => {
                let Some(orig) = self.layout.and_then(|l| l.get(k as usize)) else {
                    return Err(self.fail(lens, lvl, "lost layout entry".to_owned()));
                };
                // A top-level node unchanged since it was read from this very entry, by
                // this very lens: its original text is what put would write (GetPut),
                // unless a `square` in it has ends that differ in case.
                if entry.lens == lens_id(lens)
                    && self.layout.is_some_and(|l| !l.relabels(k as usize))
                    && self.tree.origin(node) == Some(k)
                    && let Some(t) = self.src.get(entry.span.clone())
                {
                    self.out.push_str(t);
                    self.copied_here(entry.span);
                    return Ok(());
                }
                let keys = self.keys.clone().unwrap_or_default();
                let seqs = self
                    .layout
                    .map(|l| l.seqs_at(k as usize))
                    .unwrap_or_default();
                let e = orig.lens.parse_entry(
                    self.src,
                    entry.span.clone(),
                    &keys,
                    &self.recs,
                    self.defer,
                    &seqs,
                )?;
                (Some(e.skel), e.dict.map(|d| *d).unwrap_or_default())
            }
            Some(entry) => {
                // An unchanged subtree read by this very lens: its original text is what
                // put would write (GetPut), so copy it. (Get taints the fingerprint of
                // a subtree that put would write differently, see `Sink::taint`.)
                // A deferred entry is checked however deep it is: writing it with put
                // would mean reading its layout first.
                let depth_left = match entry.deferred {
                    Some(_) => usize::MAX,
                    None => REUSE_DEPTH.saturating_sub(self.depth),
                };
                if entry.lens == lens_id(lens)
                    && let Some(keys) = &self.keys
                    && (entry.deferred.is_some() || self.depth < REUSE_DEPTH)
                    && fingerprint_tree(keys, self.tree, node, depth_left) == Some(entry.hash)
                    && let Some(t) = self.src.get(entry.span.clone())
                {
                    self.out.push_str(t);
                    self.copied_here(entry.span);
                    return Ok(());
                }
                match &entry.deferred {
                    // Read its layout now, from its span alone.
                    Some(orig) => {
                        let keys = self.keys.clone().unwrap_or_default();
                        let e = orig.parse_entry(
                            self.src,
                            entry.span.clone(),
                            &keys,
                            &self.recs,
                            true,
                            &[],
                        )?;
                        (Some(e.skel), e.dict.map(|d| *d).unwrap_or_default())
                    }
                    None => (Some(entry.skel), entry.dict.map(|d| *d).unwrap_or_default()),
                }
            }
            None => (None, Dict::new()),
        };
        let sk = sk.filter(|s| instance_of(body, s, self.text, &self.recs));
        let inner = Level::new(self.tree, node);
        let all = Split {
            lo: 0,
            hi: inner.kids.len(),
        };
        // Only the children are checked here, as C's put_subtree does: whether a missing
        // value is acceptable is up to the body (e.g. `store re?`). Like C, a body that
        // does not split children (a lone key, label, store or del: `[ key /noolddir/ ]`)
        // does not look at them, so children it has no place for are not written.
        let splits_children = !matches!(
            body.0.kind,
            Kind::Del { .. }
                | Kind::Store { .. }
                | Kind::Key { .. }
                | Kind::Label(_)
                | Kind::Value(_)
                | Kind::Seq(_)
                | Kind::Counter(_)
        );
        let (a, b) = inner.range(all);
        if splits_children && !body.0.atype.matches_span(&inner.enc, a, b) {
            return Err(self.no_match(body, &inner, all));
        }
        self.depth += 1;
        let r = self.put(body, &inner, all, sk.as_ref(), &mut sub, None);
        self.depth -= 1;
        r
    }
}
