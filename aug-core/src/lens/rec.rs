//! Parsing with recursive lenses.
//!
//! A recursive lens (`let rec x = body`) has a text language that is not regular, so get
//! cannot split its concatenations, unions and iterations with automata as it does for
//! other lenses. For those lenses only (the ones whose `rec` flag is set), get asks this
//! parser where a lens can end when it starts at a position: the set of ends is computed
//! from the parts' sets (regular parts use their automata), once per lens and position
//! (memoised, as in a packrat parser), so a text is parsed in time proportional to its size
//! times the lens's size for the usual, nearly deterministic, lenses.
//!
//! C Augeas parses recursive lenses with an Earley parser (`jmt.c`); this gives the same
//! splits for the unambiguous lenses its typechecker accepts. Left recursion (a lens that
//! reaches itself without consuming text) matches nothing here.

use super::{Kind, Lens};
use rustc_hash::{FxHashMap, FxHashSet};
use std::rc::Rc;

/// How deeply recursive lenses may nest in one text. Deeper texts are rejected instead of
/// exhausting memory. Get, put and this parser recurse once per nesting level, on a stack
/// grown on demand (see [`grow`]).
pub(crate) const MAX_NESTING: usize = 1000;

/// Runs `f` (one nesting level of a recursive lens) on a stack grown on demand: a nesting
/// level takes a few kilobytes of stack, and threads may have small stacks.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(RED_ZONE, GROW, f)
}

const RED_ZONE: usize = 128 * 1024;
const GROW: usize = 4 << 20;

/// Why the parser could not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecError {
    /// Recursive lenses nest deeper than [`MAX_NESTING`] in the text.
    TooDeep,
    /// A [`Kind::Rec`] reference was reached outside its recursive lens.
    Unbound,
}

impl RecError {
    pub(crate) fn message(self) -> String {
        match self {
            RecError::TooDeep => {
                format!("recursive lens nested deeper than {MAX_NESTING} levels")
            }
            RecError::Unbound => "reference to a recursive lens outside of its body".to_owned(),
        }
    }
}

/// The ends of a lens started at one position: sorted, without duplicates.
type Ends = Rc<[usize]>;

/// A memoising parser over one text, for the recursive lenses of one get.
pub(crate) struct Parser<'a> {
    text: &'a [u8],
    /// The bodies of the recursive lenses met so far, by id.
    bodies: FxHashMap<u64, &'a Lens>,
    /// `(lens address, part, start)` to ends; `part` is `u32::MAX` for the lens itself and
    /// `i` for the parts `i..` of a concatenation.
    memo: FxHashMap<(usize, u32, usize), Ends>,
    nesting: usize,
    error: Option<RecError>,
}

fn addr(l: &Lens) -> usize {
    std::sync::Arc::as_ptr(&l.0) as usize
}

/// Whether the sorted set `ends` contains `x`.
pub(crate) fn contains(ends: &[usize], x: usize) -> bool {
    ends.binary_search(&x).is_ok()
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        Parser {
            text,
            bodies: FxHashMap::default(),
            memo: FxHashMap::default(),
            nesting: 0,
            error: None,
        }
    }

    /// The first problem met, if any (the sets computed after it may be too small).
    pub(crate) fn error(&self) -> Option<RecError> {
        self.error
    }

    /// Makes the body of the recursive lens `id` known (get meets the `Fix` first).
    pub(crate) fn enter(&mut self, id: u64, body: &'a Lens) {
        self.bodies.insert(id, body);
    }

    /// The body of the recursive lens `id`.
    pub(crate) fn body(&self, id: u64) -> Option<&'a Lens> {
        self.bodies.get(&id).copied()
    }

    /// Where `l` can end when it starts at `p`.
    pub(crate) fn ends(&mut self, l: &'a Lens, p: usize) -> Ends {
        let key = (addr(l), u32::MAX, p);
        if let Some(e) = self.memo.get(&key) {
            return e.clone();
        }
        if !l.0.rec {
            let mut v = Vec::new();
            l.0.ctype
                .for_each_match_end(self.text, p, self.text.len(), |x| v.push(x));
            let e: Ends = v.into();
            self.memo.insert(key, e.clone());
            return e;
        }
        // Reaching this lens again at the same position before it is done is left
        // recursion: that path matches nothing.
        self.memo.insert(key, Rc::from([]));
        let e: Ends = match &l.0.kind {
            Kind::Concat(parts) => self.seq_ends(l, parts, 0, p),
            Kind::Union(alts) => {
                let mut v = Vec::new();
                for a in alts {
                    v.extend_from_slice(&self.ends(a, p));
                }
                sorted(v)
            }
            Kind::Star(body) => {
                let mut seen = FxHashSet::default();
                seen.insert(p);
                let mut todo = vec![p];
                while let Some(q) = todo.pop() {
                    for &r in self.ends(body, q).iter() {
                        if r > q && seen.insert(r) {
                            todo.push(r);
                        }
                    }
                }
                sorted(seen.into_iter().collect())
            }
            Kind::Maybe(body) => {
                let mut v = self.ends(body, p).to_vec();
                v.push(p);
                sorted(v)
            }
            Kind::Subtree(body) | Kind::Square(body) => self.ends(body, p),
            Kind::Fix(id, body) => {
                self.enter(*id, body);
                self.ends(body, p)
            }
            Kind::Rec(id) => match self.body(*id) {
                Some(body) if self.nesting < MAX_NESTING => {
                    self.nesting += 1;
                    let e = grow(|| self.ends(body, p));
                    self.nesting -= 1;
                    e
                }
                Some(_) => {
                    self.error.get_or_insert(RecError::TooDeep);
                    Rc::from([])
                }
                None => {
                    self.error.get_or_insert(RecError::Unbound);
                    Rc::from([])
                }
            },
            // Leaves never contain a recursive lens.
            _ => Rc::from([]),
        };
        self.memo.insert(key, e.clone());
        e
    }

    /// Where the parts `i..` of the concatenation `l` can end when they start at `p`.
    pub(crate) fn seq_ends(&mut self, l: &'a Lens, parts: &'a [Lens], i: usize, p: usize) -> Ends {
        let Some(part) = parts.get(i) else {
            return Rc::from([p]);
        };
        let key = (addr(l), i as u32, p);
        if let Some(e) = self.memo.get(&key) {
            return e.clone();
        }
        let mut v = Vec::new();
        for &q in self.ends(part, p).iter() {
            v.extend_from_slice(&self.seq_ends(l, parts, i + 1, q));
        }
        let e = sorted(v);
        self.memo.insert(key, e.clone());
        e
    }

    /// Splits `[s, e)` among the parts of the concatenation `l`, each part taking the
    /// longest text after which the rest can still match, into `bounds` (`parts.len() + 1`
    /// positions). `None` when the parts cannot match the text.
    pub(crate) fn split(
        &mut self,
        l: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Option<()> {
        bounds.clear();
        bounds.push(s);
        let mut p = s;
        for (i, part) in parts.iter().enumerate() {
            let q = if i + 1 == parts.len() {
                contains(&self.ends(part, p), e).then_some(e)?
            } else {
                let ends = self.ends(part, p);
                ends.iter()
                    .rev()
                    .copied()
                    .filter(|&q| q <= e)
                    .find(|&q| contains(&self.seq_ends(l, parts, i + 1, q), e))?
            };
            bounds.push(q);
            p = q;
        }
        Some(())
    }

    /// The end of the next iteration of `body` (in the iteration `star`) started at `p`,
    /// for an iteration that must end at `e`: the longest one after which the rest of the
    /// iteration can still match.
    pub(crate) fn next_iteration(
        &mut self,
        star: &'a Lens,
        body: &'a Lens,
        p: usize,
        e: usize,
    ) -> Option<usize> {
        let ends = self.ends(body, p);
        ends.iter()
            .rev()
            .copied()
            .filter(|&q| q <= e && q > p)
            .find(|&q| contains(&self.ends(star, q), e))
    }
}

fn sorted(mut v: Vec<usize>) -> Ends {
    v.sort_unstable();
    v.dedup();
    v.into()
}
