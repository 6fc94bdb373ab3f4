//! Splitting a text among the parts of a lens, behind one interface ([`Splitter`]): where
//! the parts of a concatenation end, which branch of a union reads a text, where each
//! piece of an iteration ends, whether an optional lens reads anything.
//!
//! There are two implementations, with the same methods: [`automata`] splits with
//! automata of the parts' languages (fast to read with, costly to build: big texts), and
//! [`structural`] by the lens's structure with the memoising parser of `rec`, automata for
//! leaves only (small texts, and recursive lenses always, whose languages are not
//! regular). The splitter picks one per lens: by structure when the lens is recursive or
//! the text is split by structure (see `engine`), else with automata.

pub(crate) mod automata;
mod structural;

#[cfg(test)]
pub(crate) use automata::ctype_part;
pub(crate) use automata::{Scratch, atype_part, split_concat};

use super::Lens;
use super::forward::{self, Split, Tape};
use super::rec::{Parser, RecError};
use automata::Automata;
use std::ops::Range;
use structural::Structural;

/// Why a text does not split.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fail {
    /// No split reads it; with the problem the parser met, if any (the sets it computed
    /// after that may be too small).
    NoMatch(Option<RecError>),
    /// A recursive lens reads it in more than one way (C's `Ambiguous parse`).
    Ambiguous,
}

/// Splits one text, for one get: by structure or with automata, lens by lens.
pub(crate) struct Splitter<'a> {
    text: &'a [u8],
    /// Whether regular lenses are split by structure too (recursive lenses always are).
    structural: bool,
    /// The buffers of the automata splits.
    scratch: Scratch,
    /// The parser, made when first needed.
    parser: Option<Parser<'a>>,
    /// The splits of a forward parse of a recursive lens (see `forward`), while get's
    /// questions about recursive lenses are the ones it answers.
    tape: Option<Tape>,
    /// The bodies of the recursive lenses made known from outside (see
    /// [`Splitter::enter`]), for the forward parse.
    bodies: rustc_hash::FxHashMap<u64, &'a Lens>,
}

/// An iteration being split, piece by piece (see [`Splitter::next`]).
pub(crate) struct Iteration<'a> {
    /// Where the next piece starts.
    at: usize,
    end: usize,
    body: &'a Lens,
    steps: Steps<'a>,
}

/// How an iteration finds its pieces.
enum Steps<'a> {
    /// All ends known beforehand (recursive lenses: the parser splits the whole
    /// iteration at once).
    Known(std::vec::IntoIter<usize>),
    /// Greedy, each piece the longest the parser finds.
    Parser,
    /// Greedy, each piece the longest match of the body's automaton; a union body's
    /// branches, when it picks its branch in the same scan.
    Automata(Option<&'a [Lens]>),
}

impl<'a> Iteration<'a> {
    /// Where a greedy iteration stopped short of its end, if it did.
    pub(crate) fn short(&self) -> Option<usize> {
        match self.steps {
            Steps::Known(_) => None,
            Steps::Parser | Steps::Automata(_) => (self.at < self.end).then_some(self.at),
        }
    }
}

impl<'a> Splitter<'a> {
    /// A splitter of `text`; `structural`: split regular lenses by structure too.
    pub(crate) fn new(text: &'a [u8], structural: bool) -> Self {
        Splitter {
            text,
            structural,
            scratch: Scratch::default(),
            parser: None,
            tape: None,
            bodies: rustc_hash::FxHashMap::default(),
        }
    }

    /// Whether the recursive `lens` reads `text[s..e]`, by a forward parse that decides
    /// each choice by looking ahead (see `forward`); `false` when `lens` is not recursive,
    /// the text is split by structure or that parse cannot tell, and the memoising parser
    /// answers get's questions as before. When `true`, get's
    /// questions about recursive lenses are answered from that parse's splits as long as
    /// they are the ones it recorded (the first that is not stops that).
    pub(crate) fn forward(&mut self, lens: &'a Lens, s: usize, e: usize) -> bool {
        if !lens.0.rec || self.structural || !super::engine::forward() {
            return false;
        }
        self.tape = forward::parse(lens, self.text, s, e, &self.bodies);
        self.tape.is_some()
    }

    /// Where get is in the forward parse's splits, to read a stretch again.
    pub(crate) fn tape_mark(&self) -> Option<usize> {
        self.tape.as_ref().map(Tape::mark)
    }

    /// Reads the forward parse's splits again from `mark` (see [`Splitter::tape_mark`]).
    pub(crate) fn tape_rewind(&mut self, mark: Option<usize>) {
        if let (Some(t), Some(m)) = (&mut self.tape, mark) {
            t.rewind(m);
        }
    }

    /// The forward parse's split of the recursive `lens` over `[s, e)`, if it is the next
    /// one recorded: bounds (the inner ones, between `s` and `e`) pushed onto `out`, or a
    /// branch's index, or whether an optional lens is there (1) or not (0). Otherwise the
    /// splits are no longer used.
    fn taped(&mut self, lens: &Lens, s: usize, e: usize, out: &mut Vec<usize>) -> Option<usize> {
        if !lens.0.rec {
            return None;
        }
        let tape = self.tape.as_mut()?;
        let r = match tape.take(lens, s, e) {
            Some(Split::Bounds(b)) => {
                out.extend(b.iter().map(|&q| q as usize));
                Some(0)
            }
            Some(Split::Branch(j)) => Some(j),
            Some(Split::Present(p)) => Some(usize::from(p)),
            None => None,
        };
        if r.is_none() {
            self.tape = None;
        }
        r
    }

    /// The forward parse's bounds of the recursive concatenation `lens` of `n` parts over
    /// `[s, e)` into `bounds` (`n + 1` positions), if they are the next split recorded.
    fn taped_bounds(
        &mut self,
        lens: &Lens,
        n: usize,
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> bool {
        if !lens.0.rec || self.tape.is_none() {
            return false;
        }
        bounds.clear();
        bounds.push(s);
        if self.taped(lens, s, e, bounds).is_some() && bounds.len() == n {
            bounds.push(e);
            return true;
        }
        self.tape = None;
        false
    }

    /// Whether `lens` is split by structure.
    #[inline]
    fn by_structure(&self, lens: &Lens) -> bool {
        lens.0.rec || self.structural
    }

    /// The parser, made on first use.
    pub(crate) fn parser(&mut self) -> &mut Parser<'a> {
        let (text, structural) = (self.text, self.structural);
        self.parser
            .get_or_insert_with(|| Parser::new(text).structural(structural))
    }

    /// The problem the parser met, if it is there and met one.
    pub(crate) fn parser_error(&self) -> Option<RecError> {
        self.parser.as_ref().and_then(Parser::error)
    }

    fn structural_impl(&mut self) -> Structural<'_, 'a> {
        let text = self.text;
        Structural::new(text, self.parser())
    }

    fn automata_impl(&mut self) -> Automata<'_, 'a> {
        Automata::new(self.text, &mut self.scratch)
    }

    /// Whether `lens` reads exactly `text[s..e]`.
    pub(crate) fn matches(&mut self, lens: &'a Lens, s: usize, e: usize) -> bool {
        if self.by_structure(lens) {
            self.structural_impl().matches(lens, s, e)
        } else {
            self.automata_impl().matches(lens, s, e)
        }
    }

    /// Splits `[s, e)` among `parts`, the parts of the concatenation `lens`, into
    /// `bounds` (`parts.len() + 1` positions), each part taking the longest text after
    /// which the rest still matches (POSIX submatch rules).
    #[inline]
    pub(crate) fn concat(
        &mut self,
        lens: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Result<(), Fail> {
        if self.taped_bounds(lens, parts.len(), s, e, bounds) {
            return Ok(());
        }
        if self.by_structure(lens) {
            self.structural_impl().concat(lens, parts, s, e, bounds)
        } else {
            let r = self.automata_impl().concat(lens, parts, s, e, bounds);
            r.map_err(|_| Fail::NoMatch(self.parser_error()))
        }
    }

    /// Splits the concatenation `inner` of a square lens as [`Splitter::concat`] does,
    /// without asking whether a recursive lens read the text in two ways.
    pub(crate) fn square(
        &mut self,
        inner: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Result<(), Fail> {
        if self.taped_bounds(inner, parts.len(), s, e, bounds) {
            return Ok(());
        }
        if self.by_structure(inner) {
            self.structural_impl().square(inner, parts, s, e, bounds)
        } else {
            let r = self.automata_impl().concat(inner, parts, s, e, bounds);
            r.map_err(|_| Fail::NoMatch(self.parser_error()))
        }
    }

    /// The branch of the union `lens` that reads `text[s..e]`: the first one that
    /// matches, as in Augeas.
    #[inline]
    pub(crate) fn union(
        &mut self,
        lens: &'a Lens,
        alts: &'a [Lens],
        s: usize,
        e: usize,
    ) -> Result<&'a Lens, Fail> {
        if lens.0.rec && self.tape.is_some() {
            let j = self.taped(lens, s, e, &mut Vec::new());
            if let Some(alt) = j.and_then(|j| alts.get(j)) {
                return Ok(alt);
            }
            self.tape = None;
        }
        if self.by_structure(lens) {
            self.structural_impl().union(lens, alts, s, e)
        } else {
            self.automata_impl().union(lens, alts, s, e)
        }
    }

    /// Starts splitting `[s, e)` among iterations of `body`, the body of the iteration
    /// `lens`: Augeas's greedy iteration, each piece the longest match of the body
    /// (recursive lenses: the parser's split). Take the pieces with [`Splitter::next`].
    #[inline]
    pub(crate) fn star(
        &mut self,
        lens: &'a Lens,
        body: &'a Lens,
        s: usize,
        e: usize,
    ) -> Result<Iteration<'a>, Fail> {
        if self.tape.is_some() {
            let mut ends = Vec::new();
            if self.taped(lens, s, e, &mut ends).is_some() {
                return Ok(Iteration {
                    at: s,
                    end: e,
                    body,
                    steps: Steps::Known(ends.into_iter()),
                });
            }
        }
        let steps = if self.by_structure(lens) {
            self.structural_impl().star(lens, body, s, e)?
        } else {
            self.automata_impl().star(body)
        };
        Ok(Iteration {
            at: s,
            end: e,
            body,
            steps,
        })
    }

    /// The next piece of an iteration, with the lens that reads it (the body, or the
    /// branch of a union body that matched); `None` when there is no more (see
    /// [`Iteration::short`]).
    #[inline]
    pub(crate) fn next(&mut self, it: &mut Iteration<'a>) -> Option<(Range<usize>, &'a Lens)> {
        let (p, e, body) = (it.at, it.end, it.body);
        let (q, lens) = match &mut it.steps {
            Steps::Known(ends) => (ends.next()?, body),
            Steps::Parser => self.structural_impl().step(body, p, e)?,
            Steps::Automata(alts) => {
                let alts = *alts;
                self.automata_impl().step(body, alts, p, e)?
            }
        };
        it.at = q;
        Some((p..q, lens))
    }

    /// Whether the optional lens `lens` reads its body from `text[s..e]` (else nothing).
    #[inline]
    pub(crate) fn maybe(&mut self, lens: &'a Lens, body: &'a Lens, s: usize, e: usize) -> bool {
        if self.tape.is_some()
            && let Some(present) = self.taped(lens, s, e, &mut Vec::new())
        {
            return present == 1;
        }
        if self.by_structure(lens) {
            self.structural_impl().maybe(lens, body, s, e)
        } else {
            self.automata_impl().maybe(body, s, e)
        }
    }

    /// Where C places the syntax error of a text the recursive lens `lens` does not read
    /// from `s`: as far as parsing went, at most `e`.
    pub(crate) fn reach(&mut self, lens: &'a Lens, s: usize, e: usize) -> usize {
        self.structural_impl().reach(lens, s, e)
    }

    /// Makes the body of the recursive lens `id` known (get meets the `Fix` first).
    pub(crate) fn enter(&mut self, id: u64, body: &'a Lens) {
        self.bodies.insert(id, body);
        self.parser().enter(id, body);
    }

    /// The body of the recursive lens `id`.
    pub(crate) fn body(&mut self, id: u64) -> Option<&'a Lens> {
        self.parser().body(id)
    }
}
