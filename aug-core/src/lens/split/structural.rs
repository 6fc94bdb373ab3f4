//! Splitting by a lens's structure, with the memoising parser of `rec` (automata for
//! leaves only): the structural implementation of the splitter's methods (see
//! [`super::Splitter`]), for small texts and for recursive lenses.

use super::{Fail, Steps};
use crate::lens::Lens;
use crate::lens::rec::{Parser, may_start};
use std::sync::Arc;

/// The parser, asked the splitter's questions.
pub(super) struct Structural<'s, 'a> {
    text: &'a [u8],
    parser: &'s mut Parser<'a>,
}

impl<'s, 'a> Structural<'s, 'a> {
    pub(super) fn new(text: &'a [u8], parser: &'s mut Parser<'a>) -> Self {
        Structural { text, parser }
    }

    /// No split: with the parser's problem, if it met one.
    fn no_match(&self) -> Fail {
        Fail::NoMatch(self.parser.error())
    }

    /// Whether `lens` started at `s` can end at `e`.
    pub(super) fn matches(&mut self, lens: &'a Lens, s: usize, e: usize) -> bool {
        self.parser.matches(lens, s, e)
    }

    /// Splits a concatenation; a recursive one that splits in two ways is ambiguous.
    pub(super) fn concat(
        &mut self,
        lens: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Result<(), Fail> {
        let split = self.parser.split(lens, parts, s, e, bounds);
        if self.parser.take_ambiguous() {
            return Err(Fail::Ambiguous);
        }
        split.ok_or_else(|| self.no_match())
    }

    /// Splits the concatenation of a square lens, not asking about ambiguity.
    pub(super) fn square(
        &mut self,
        inner: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Result<(), Fail> {
        match self.parser.split(inner, parts, s, e, bounds) {
            Some(()) => Ok(()),
            None => Err(self.no_match()),
        }
    }

    /// The first branch that reads the text (skipping those whose first bytes cannot
    /// start it). Inside a recursive lens, C's parser finds every branch that reads the
    /// text: two are two parses (the same lens twice in a union, as a recursive lens's
    /// flattened union may hold its base case, is one).
    pub(super) fn union(
        &mut self,
        lens: &'a Lens,
        alts: &'a [Lens],
        s: usize,
        e: usize,
    ) -> Result<&'a Lens, Fail> {
        let next = self.text.get(s).copied().filter(|_| s < e);
        let mut first = None;
        for a in alts {
            if may_start(a, next) && self.parser.part_matches(lens, a, s, e) {
                first = Some(a);
                break;
            }
        }
        let Some(alt) = first else {
            return Err(self.no_match());
        };
        if lens.0.rec {
            let later = alts
                .iter()
                .skip_while(|a| !std::ptr::eq(*a, alt))
                .skip(1)
                .filter(|a| !Arc::ptr_eq(&a.0, &alt.0))
                .any(|a| may_start(a, next) && self.parser.part_matches(lens, a, s, e));
            if later {
                return Err(Fail::Ambiguous);
            }
        }
        Ok(alt)
    }

    /// How an iteration is split: a recursive one all at once (each iteration the longest
    /// after which the rest can still match), a regular one greedily.
    pub(super) fn star(
        &mut self,
        lens: &'a Lens,
        body: &'a Lens,
        s: usize,
        e: usize,
    ) -> Result<Steps<'a>, Fail> {
        if !lens.0.rec {
            return Ok(Steps::Parser);
        }
        let ends = self.parser.iterations(body, s, e);
        if self.parser.take_ambiguous() {
            return Err(Fail::Ambiguous);
        }
        match ends {
            Some(ends) => Ok(Steps::Known(ends.into_iter())),
            None => Err(self.no_match()),
        }
    }

    /// The next piece of a greedy iteration of `body` from `p`: its longest non-empty
    /// match within `e`.
    pub(super) fn step(&mut self, body: &'a Lens, p: usize, e: usize) -> Option<(usize, &'a Lens)> {
        if p >= e {
            return None;
        }
        match self.parser.longest_within(body, p, e) {
            Some(q) if q > p => Some((q, body)),
            _ => None,
        }
    }

    /// Whether the optional `lens` reads its `body` from `text[s..e]`; inside a recursive
    /// lens, only a non-empty text.
    pub(super) fn maybe(&mut self, lens: &'a Lens, body: &'a Lens, s: usize, e: usize) -> bool {
        (!lens.0.rec || s < e) && self.parser.matches(body, s, e)
    }

    /// How far `lens` can be read from `s`: its longest match or the furthest a regular
    /// part matched, at most `e`.
    pub(super) fn reach(&mut self, lens: &'a Lens, s: usize, e: usize) -> usize {
        let longest = self.parser.longest(lens, s).unwrap_or(s);
        longest.max(self.parser.furthest()).min(e)
    }
}
