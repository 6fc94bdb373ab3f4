//! A forward parse of a recursive lens that decides each choice by looking ahead, and
//! records every split it made for get to read back (a [`Tape`]).
//!
//! Get splits a recursive lens by asking the memoising parser of `rec` where each part can
//! end, level by level: each question computes the part's ends down to the next reference
//! again, so a text is read several times over (once for the whole, then once more at
//! every level get descends through). Most recursive lenses are nearly deterministic: at
//! each choice (a union's branch, one more iteration or not, an optional part or not, the
//! empty or the longest match of a regular part) the next bytes rule out all but one way.
//! This parser reads the text once, front to back, taking the one way left at each choice,
//! and notes its splits in the order get asks for them.
//!
//! It only ever rules a way out when that way cannot lead to a parse: a way is ruled out
//! when no word of it (followed by what may come after it) can begin with the next bytes
//! (the first bytes of each lens, a fixpoint over the recursive ones, and the longest match
//! of the regular parts it would begin with). Where more than one way is left, the union
//! branches are all tried (a parse of one of them that fails rules it out); any other
//! choice left open, two branches that both parse, left recursion, deep nesting or too
//! much work *bails out*, and get asks the memoising parser as before. So a tape, when
//! there is one, holds the one parse of the text: the one the memoising parser finds,
//! which then would find no other (no `Ambiguous parse`). Get checks each step of the tape
//! against its question (lens, start and end), and stops using the tape at the first
//! that differs.

use super::rec::{MAX_NESTING, grow};
use super::{Kind, Lens};
use crate::fa::ByteSet;
use rustc_hash::FxHashMap;

/// A split recorded for get: of the recursive compound lens at `lens` (its address) over
/// `[s, e)`. Concatenations (and the concatenation inside a square) and iterations keep
/// their inner bounds at `arena[at..at + len]`; a union keeps its branch's index in `at`;
/// an optional lens keeps 1 in `at` when it read its body.
#[derive(Debug, Clone, Copy)]
struct Step {
    lens: usize,
    s: u32,
    e: u32,
    at: u32,
    len: u32,
}

/// The splits of one forward parse, in the order get asks for them (depth first, a lens
/// before its parts), and where get is in reading them.
#[derive(Debug, Default)]
pub(crate) struct Tape {
    steps: Vec<Step>,
    arena: Vec<u32>,
    next: usize,
}

/// A split read back from the tape.
pub(crate) enum Split<'t> {
    /// The inner bounds of a concatenation, or the ends of the iterations.
    Bounds(&'t [u32]),
    /// The index of a union's branch.
    Branch(usize),
    /// Whether an optional lens read its body.
    Present(bool),
}

impl Tape {
    /// The next split, if it is the one of `lens` over `[s, e)`; `None` otherwise (get and
    /// the tape disagree: the caller stops using the tape).
    pub(crate) fn take(&mut self, lens: &Lens, s: usize, e: usize) -> Option<Split<'_>> {
        let step = *self.steps.get(self.next)?;
        if step.lens != addr(lens) || step.s as usize != s || step.e as usize != e {
            return None;
        }
        self.next += 1;
        Some(match &lens.0.kind {
            Kind::Concat(_) | Kind::Star(_) => {
                let at = step.at as usize;
                Split::Bounds(self.arena.get(at..at + step.len as usize)?)
            }
            Kind::Union(_) => Split::Branch(step.at as usize),
            Kind::Maybe(_) => Split::Present(step.at == 1),
            _ => return None,
        })
    }

    /// Where get is in the tape (to read a stretch again, see [`Tape::rewind`]).
    pub(crate) fn mark(&self) -> usize {
        self.next
    }

    /// Goes back to `mark`, for get to read the same text again.
    pub(crate) fn rewind(&mut self, mark: usize) {
        self.next = mark.min(self.next);
    }
}

fn addr(l: &Lens) -> usize {
    std::sync::Arc::as_ptr(&l.0) as usize
}

/// The first bytes of a lens's words, and whether it accepts the empty word: safe
/// over-approximations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct First {
    bytes: ByteSet,
    nullable: bool,
}

impl First {
    const NONE: First = First {
        bytes: ByteSet::EMPTY,
        nullable: false,
    };
}

/// What follows the lens being parsed: the rest of the enclosing concatenations and
/// iterations, out to the end of the text.
#[derive(Clone, Copy)]
enum Cont<'c, 'a> {
    /// The end of the text.
    End,
    /// The parts of a concatenation from the `i`-th on, then `up`.
    Parts(&'a [Lens], usize, &'c Cont<'c, 'a>),
    /// Any number of iterations of a body, then `up`.
    Loop(&'a Lens, &'c Cont<'c, 'a>),
}

/// Why a parse gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum No {
    /// No parse of the lens followed by what follows it begins here.
    Fail,
    /// The parser cannot tell (a choice left open, too much work, nesting, left
    /// recursion): get asks the memoising parser.
    Bail,
}

type Res = Result<usize, No>;

/// How many lens steps per byte of text the parse may take before it bails out (tried
/// branches can parse the same text more than once; a lens for which this parser is no
/// shortcut gives up early, at a cost bounded by a few readings of the text).
const WORK_PER_BYTE: usize = 64;

/// The size of the table of recent longest matches (a power of two).
const SCANS: usize = 64;

/// How many regular parts a lookahead matches before it takes a way as open.
const LOOK_PARTS: usize = 3;
/// How many lens steps one lookahead may take before it takes a way as open.
const LOOK_FUEL: usize = 48;
/// The same, for a second look where a way that parsed leaves another open.
const DEEP_PARTS: usize = 16;
const DEEP_FUEL: usize = 512;
/// The stack a second look may need (a frame of a few hundred bytes per step, at most).
const DEEP_STACK: usize = DEEP_FUEL * 1024;

/// The forward parser over one text.
struct Forward<'a> {
    text: &'a [u8],
    /// Where the lens read must end (what [`Cont::End`] stands for).
    end: usize,
    bodies: FxHashMap<u64, &'a Lens>,
    /// First bytes of the recursive lenses (by address).
    firsts: FxHashMap<usize, First>,
    tape: Tape,
    /// Recent longest matches of regular lenses: (address, start, end).
    scans: Vec<(usize, usize, Option<usize>)>,
    /// Whether each regular lens met accepts the empty text.
    empties: FxHashMap<usize, bool>,
    /// The bounds being gathered by the concatenations and iterations in progress.
    stack: Vec<u32>,
    /// The limits of a lookahead: matched parts, steps (see [`Forward::look`]).
    look_parts: usize,
    look_fuel: usize,
    /// The references being parsed, with where each started (left recursion).
    refs: Vec<(u64, usize)>,
    work: usize,
    budget: usize,
}

/// Parses `text[s..e]` with the recursive lens `lens` (which must read all of it),
/// returning the tape of its splits; `None` where this parser cannot tell (or the text does
/// not parse: the memoising parser then finds the error). As in the memoising parser,
/// regular parts match as far as the whole text allows. `bodies` are the recursive lenses
/// `lens` may refer to from outside (an entry read alone).
pub(crate) fn parse<'a>(
    lens: &'a Lens,
    text: &'a [u8],
    s: usize,
    e: usize,
    bodies: &FxHashMap<u64, &'a Lens>,
) -> Option<Tape> {
    if !lens.0.rec || u32::try_from(text.len()).is_err() || s > e || e > text.len() {
        return None;
    }
    let mut f = Forward {
        text,
        end: e,
        bodies: bodies.clone(),
        firsts: FxHashMap::default(),
        tape: Tape::default(),
        scans: vec![(0, 0, None); SCANS],
        empties: FxHashMap::default(),
        stack: Vec::new(),
        refs: Vec::new(),
        look_parts: LOOK_PARTS,
        look_fuel: LOOK_FUEL,
        work: 0,
        budget: (e - s).saturating_mul(WORK_PER_BYTE).saturating_add(4096),
    };
    f.solve_firsts(lens);
    let end = f.lens(lens, s, &Cont::End).ok()?;
    (end == e).then_some(f.tape)
}

impl<'a> Forward<'a> {
    /// Computes [`First`] for every recursive lens reachable from `top`, by iterating to
    /// the fixpoint (a reference starts with nothing).
    fn solve_firsts(&mut self, top: &'a Lens) {
        let mut order: Vec<&'a Lens> = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut todo = vec![top];
        while let Some(l) = todo.pop() {
            if !l.0.rec || !seen.insert(addr(l)) {
                continue;
            }
            order.push(l);
            match &l.0.kind {
                Kind::Fix(id, body) => {
                    self.bodies.insert(*id, body);
                }
                Kind::Rec(id) => todo.extend(self.bodies.get(id).copied()),
                _ => {}
            }
            todo.extend(l.parts());
        }
        for l in &order {
            self.firsts.insert(addr(l), First::NONE);
        }
        loop {
            let mut changed = false;
            // Parts before wholes converges faster: the reverse of discovery.
            for l in order.iter().rev() {
                let f = self.first_of_parts(l);
                if let Some(old) = self.firsts.get_mut(&addr(l))
                    && *old != f
                {
                    *old = f;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// [`First`] of `l` from its parts' current values.
    fn first_of_parts(&self, l: &Lens) -> First {
        match &l.0.kind {
            Kind::Concat(parts) => {
                let mut f = First {
                    bytes: ByteSet::EMPTY,
                    nullable: true,
                };
                for p in parts {
                    let pf = self.first(p);
                    f.bytes = f.bytes.or(pf.bytes);
                    if !pf.nullable {
                        f.nullable = false;
                        break;
                    }
                }
                f
            }
            Kind::Union(alts) => alts.iter().fold(First::NONE, |acc, a| {
                let af = self.first(a);
                First {
                    bytes: acc.bytes.or(af.bytes),
                    nullable: acc.nullable || af.nullable,
                }
            }),
            Kind::Star(b) | Kind::Maybe(b) => First {
                nullable: true,
                ..self.first(b)
            },
            Kind::Subtree(b) | Kind::Square(b) | Kind::Fix(_, b) => self.first(b),
            Kind::Rec(id) => self.bodies.get(id).map_or(First::NONE, |b| self.first(b)),
            _ => self.first(l),
        }
    }

    /// The [`First`] of any lens: regular ones from their sketch.
    #[inline]
    fn first(&self, l: &Lens) -> First {
        if l.0.rec {
            return self.firsts.get(&addr(l)).copied().unwrap_or(First::NONE);
        }
        let sk = l.sketch();
        First {
            bytes: sk.first,
            nullable: sk.nullable,
        }
    }

    /// The longest match of the regular `l` from `p`: looking ahead and parsing ask for
    /// the same ones, kept in a small table.
    fn longest(&mut self, l: &Lens, p: usize) -> Option<usize> {
        let a = addr(l);
        let slot = (a >> 4 ^ p.wrapping_mul(0x9e37_79b9)) & (SCANS - 1);
        if let Some(&(ka, kp, q)) = self.scans.get(slot)
            && ka == a
            && kp == p
        {
            return q;
        }
        self.work += 1;
        let q = l.0.ctype.longest_match(self.text, p, self.text.len());
        if let Some(e) = self.scans.get_mut(slot) {
            *e = (a, p, q);
        }
        q
    }

    /// Whether the regular `l` accepts the empty text.
    fn accepts_empty(&mut self, l: &Lens) -> bool {
        *self
            .empties
            .entry(addr(l))
            .or_insert_with(|| l.0.ctype.matches_empty())
    }

    /// Whether `l` may read a non-empty text from `p`: by its first bytes, and for a
    /// regular lens by its longest match.
    fn starts(&mut self, l: &'a Lens, p: usize) -> bool {
        let Some(&b) = self.text.get(p) else {
            return false;
        };
        if !self.first(l).bytes.contains(b) {
            return false;
        }
        if l.0.rec {
            return true;
        }
        self.longest(l, p).is_some_and(|q| q > p)
    }

    /// Whether what `k` holds may follow at `p` (read a non-empty text, or nothing when
    /// it may end there).
    fn may_follow(&mut self, mut k: &Cont<'_, 'a>, p: usize) -> bool {
        loop {
            match *k {
                Cont::End => return p == self.end,
                Cont::Parts(parts, i, up) => {
                    for part in parts.get(i..).unwrap_or_default() {
                        if self.starts(part, p) {
                            return true;
                        }
                        if !self.first(part).nullable {
                            return false;
                        }
                    }
                    k = up;
                }
                Cont::Loop(body, up) => {
                    if self.starts(body, p) {
                        return true;
                    }
                    k = up;
                }
            }
        }
    }

    /// Whether what `k` holds may read on from `p`, looking further than
    /// [`Forward::may_follow`]: a few regular parts are matched in turn (each by its
    /// longest match or the empty text, as the parse would), through the structure of the
    /// recursive lenses met. `true` when unsure (past [`LOOK_PARTS`] matched parts or
    /// [`LOOK_FUEL`] steps): only a `false` rules a way out.
    fn look(&mut self, k: &Cont<'_, 'a>, p: usize) -> bool {
        self.may_follow(k, p) && self.look_past(k, p)
    }

    /// [`Forward::look`] without its first, cheap check.
    fn look_past(&mut self, k: &Cont<'_, 'a>, p: usize) -> bool {
        let mut fuel = self.look_fuel;
        self.look_cont(k, p, 0, &mut fuel)
    }

    /// [`Forward::look_past`] looking further ([`DEEP_PARTS`] parts, [`DEEP_FUEL`] steps):
    /// asked where one way parsed and a first look left the other open too.
    fn look_deep(&mut self, k: &Cont<'_, 'a>, p: usize) -> bool {
        let saved = (self.look_parts, self.look_fuel);
        (self.look_parts, self.look_fuel) = (DEEP_PARTS, DEEP_FUEL);
        // Each step of a lookahead may be a frame deeper: room for all of them.
        let r = stacker::maybe_grow(DEEP_STACK, DEEP_STACK * 2, || self.look_past(k, p));
        (self.look_parts, self.look_fuel) = saved;
        r
    }

    /// Whether `l` followed by `k` may read on from `p` (see [`Forward::look`]).
    fn look_lens(&mut self, l: &'a Lens, p: usize, k: &Cont<'_, 'a>) -> bool {
        let mut fuel = self.look_fuel;
        self.look_at(l, p, k, 0, &mut fuel)
    }

    fn look_cont(&mut self, k: &Cont<'_, 'a>, p: usize, seen: usize, fuel: &mut usize) -> bool {
        if *fuel == 0 {
            return true;
        }
        *fuel -= 1;
        match *k {
            Cont::End => p == self.end,
            Cont::Parts(parts, i, up) => match parts.get(i) {
                None => self.look_cont(up, p, seen, fuel),
                Some(x) => {
                    let rest = Cont::Parts(parts, i + 1, up);
                    self.look_at(x, p, &rest, seen, fuel)
                }
            },
            Cont::Loop(body, up) => {
                self.look_cont(up, p, seen, fuel) || self.look_at(body, p, k, seen, fuel)
            }
        }
    }

    fn look_at(
        &mut self,
        x: &'a Lens,
        p: usize,
        rest: &Cont<'_, 'a>,
        seen: usize,
        fuel: &mut usize,
    ) -> bool {
        if seen >= self.look_parts || *fuel == 0 {
            return true;
        }
        *fuel -= 1;
        let f = self.first(x);
        if !f.nullable && !self.text.get(p).is_some_and(|&b| f.bytes.contains(b)) {
            return false;
        }
        if !x.0.rec {
            let longest = self.longest(x, p);
            let Some(q) = longest else {
                return false;
            };
            if q > p && self.look_cont(rest, q, seen + 1, fuel) {
                return true;
            }
            let empty = q == p || (f.nullable && self.accepts_empty(x));
            return empty && self.look_cont(rest, p, seen, fuel);
        }
        match &x.0.kind {
            Kind::Concat(parts) => self.look_cont(&Cont::Parts(parts, 0, rest), p, seen, fuel),
            Kind::Union(alts) => alts.iter().any(|a| self.look_at(a, p, rest, seen, fuel)),
            Kind::Star(body) => {
                self.look_cont(rest, p, seen, fuel)
                    || self.look_at(body, p, &Cont::Loop(body, rest), seen, fuel)
            }
            Kind::Maybe(body) => {
                self.look_cont(rest, p, seen, fuel) || self.look_at(body, p, rest, seen, fuel)
            }
            Kind::Subtree(body) | Kind::Fix(_, body) => self.look_at(body, p, rest, seen, fuel),
            Kind::Square(inner) => self.look_at(inner, p, rest, seen, fuel),
            Kind::Rec(id) => match self.bodies.get(id).copied() {
                Some(body) => self.look_at(body, p, rest, seen, fuel),
                None => true,
            },
            _ => true,
        }
    }

    /// Parses `l` (recursive) from `p`, followed by `k`.
    fn lens(&mut self, l: &'a Lens, p: usize, k: &Cont<'_, 'a>) -> Res {
        self.work += 1;
        if self.work > self.budget {
            return Err(No::Bail);
        }
        match &l.0.kind {
            Kind::Concat(parts) => self.concat(l, parts, p, k),
            Kind::Square(inner) => match &inner.0.kind {
                Kind::Concat(parts) => self.concat(inner, parts, p, k),
                _ => Err(No::Bail),
            },
            Kind::Union(alts) => self.union(l, alts, p, k),
            Kind::Star(body) => self.star(l, body, p, k),
            Kind::Maybe(body) => self.maybe(l, body, p, k),
            Kind::Subtree(body) => self.part(body, p, k),
            Kind::Fix(id, body) => {
                self.bodies.insert(*id, body);
                self.part(body, p, k)
            }
            Kind::Rec(id) => {
                let body = *self.bodies.get(id).ok_or(No::Bail)?;
                // Reached again where it started: left recursion.
                let again = self
                    .refs
                    .iter()
                    .rev()
                    .take_while(|r| r.1 == p)
                    .any(|r| r.0 == *id);
                if again || self.refs.len() >= MAX_NESTING {
                    return Err(No::Bail);
                }
                self.refs.push((*id, p));
                let r = grow(|| self.part(body, p, k));
                self.refs.pop();
                r
            }
            _ => Err(No::Bail),
        }
    }

    /// Parses a part of a recursive lens from `p`: a recursive one by its structure, a
    /// regular one as C's parser does, by its longest match or the empty text.
    fn part(&mut self, l: &'a Lens, p: usize, k: &Cont<'_, 'a>) -> Res {
        if l.0.rec {
            return self.lens(l, p, k);
        }
        let longest = self.longest(l, p);
        match longest {
            None => Err(No::Fail),
            Some(q) if q == p => Ok(p),
            Some(q) => {
                // The empty text too, if the lens reads it and what follows may start here.
                let empty = l.sketch().nullable && self.accepts_empty(l);
                if empty && self.look(k, p) {
                    if !self.look(k, q) {
                        return Ok(p);
                    }
                    // Both open at a first look: a second one, further.
                    return match (self.look_deep(k, p), self.look_deep(k, q)) {
                        (true, true) => Err(No::Bail),
                        (true, false) => Ok(p),
                        (false, _) => Ok(q),
                    };
                }
                Ok(q)
            }
        }
    }

    /// Reserves the tape's step for `l` at `p`, filled by [`Forward::fill`].
    fn reserve(&mut self, l: &Lens, p: usize) -> usize {
        let i = self.tape.steps.len();
        self.tape.steps.push(Step {
            lens: addr(l),
            s: p as u32,
            e: p as u32,
            at: 0,
            len: 0,
        });
        i
    }

    /// Fills step `i` with its end and either the bounds gathered on the stack since
    /// `from` (moved to the arena) or `at`.
    fn fill(&mut self, i: usize, e: usize, from: Option<usize>, at: u32) {
        let (at, len) = match from {
            Some(from) => {
                let start = self.tape.arena.len() as u32;
                let bounds = self.stack.get(from..).unwrap_or_default();
                self.tape.arena.extend_from_slice(bounds);
                let len = bounds.len() as u32;
                self.stack.truncate(from);
                (start, len)
            }
            None => (at, 0),
        };
        if let Some(st) = self.tape.steps.get_mut(i) {
            st.e = e as u32;
            st.at = at;
            st.len = len;
        }
    }

    /// Where the tape and the bounds being gathered are, to go back to (see
    /// [`Forward::undo`]).
    fn mark(&self) -> (usize, usize, usize) {
        (
            self.tape.steps.len(),
            self.tape.arena.len(),
            self.stack.len(),
        )
    }

    /// Forgets what was recorded since `mark` (a branch that did not parse).
    fn undo(&mut self, (steps, arena, stack): (usize, usize, usize)) {
        self.tape.steps.truncate(steps);
        self.tape.arena.truncate(arena);
        self.stack.truncate(stack);
    }

    fn concat(&mut self, l: &'a Lens, parts: &'a [Lens], p: usize, k: &Cont<'_, 'a>) -> Res {
        let i = self.reserve(l, p);
        let from = self.stack.len();
        let mut q = p;
        for (j, part) in parts.iter().enumerate() {
            if j > 0 {
                self.stack.push(q as u32);
            }
            let rest = Cont::Parts(parts, j + 1, k);
            q = self.part(part, q, &rest)?;
        }
        self.fill(i, q, Some(from), 0);
        Ok(q)
    }

    fn union(&mut self, l: &'a Lens, alts: &'a [Lens], p: usize, k: &Cont<'_, 'a>) -> Res {
        let i = self.reserve(l, p);
        let start = self.mark();
        let follows = self.first_nullable_follows(alts, p, k);
        let mut found: Option<(usize, usize)> = None;
        for (j, a) in alts.iter().enumerate() {
            let empty_ok = follows && self.first(a).nullable;
            if !empty_ok && !self.starts(a, p) {
                continue;
            }
            // The same lens again (a flattened union may hold one twice) reads the same:
            // one parse, as the memoising parser counts it.
            let again = found
                .and_then(|(f, _)| alts.get(f))
                .is_some_and(|f| std::sync::Arc::ptr_eq(&f.0, &a.0));
            if again || (found.is_some() && !self.look_lens(a, p, k)) {
                continue;
            }
            if found.is_some() {
                // A second branch that may read here: it must not parse (its steps are
                // not kept).
                let keep = self.mark();
                match self.part(a, p, k) {
                    Err(No::Fail) => {
                        self.undo(keep);
                        continue;
                    }
                    _ => return Err(No::Bail),
                }
            }
            match self.part(a, p, k) {
                Ok(q) => found = Some((j, q)),
                Err(No::Fail) => self.undo(start),
                Err(No::Bail) => return Err(No::Bail),
            }
        }
        let (j, q) = found.ok_or(No::Fail)?;
        self.fill(i, q, None, j as u32);
        Ok(q)
    }

    /// Whether what follows `k` may start at `p` (computed once for a union's nullable
    /// branches).
    fn first_nullable_follows(&mut self, alts: &'a [Lens], p: usize, k: &Cont<'_, 'a>) -> bool {
        alts.iter().any(|a| self.first(a).nullable) && self.may_follow(k, p)
    }

    fn star(&mut self, l: &'a Lens, body: &'a Lens, p: usize, k: &Cont<'_, 'a>) -> Res {
        let i = self.reserve(l, p);
        let from = self.stack.len();
        let again = Cont::Loop(body, k);
        let mut q = p;
        loop {
            if !self.starts(body, q) {
                break;
            }
            // Looking further only where first bytes leave both ways open.
            let (more, stop) = if self.may_follow(k, q) {
                (self.look_lens(body, q, &again), self.look_past(k, q))
            } else {
                (true, false)
            };
            if !more {
                break;
            }
            let keep = self.mark();
            match self.lens(body, q, &again) {
                Ok(r) if r > q => {
                    if stop && self.look_deep(k, q) {
                        // Both another iteration and the end may read on.
                        return Err(No::Bail);
                    }
                    self.stack.push(r as u32);
                    q = r;
                }
                Ok(_) | Err(No::Fail) if stop => {
                    self.undo(keep);
                    break;
                }
                Ok(_) | Err(No::Fail) => return Err(No::Fail),
                Err(No::Bail) => return Err(No::Bail),
            }
        }
        // The bounds are the ends of the iterations, the last one's the end.
        self.fill(i, q, Some(from), 0);
        Ok(q)
    }

    fn maybe(&mut self, l: &'a Lens, body: &'a Lens, p: usize, k: &Cont<'_, 'a>) -> Res {
        let i = self.reserve(l, p);
        let (more, stop) = if !self.starts(body, p) {
            (false, true)
        } else if self.may_follow(k, p) {
            (self.look_lens(body, p, k), self.look_past(k, p))
        } else {
            (true, false)
        };
        if !more {
            self.fill(i, p, None, 0);
            return Ok(p);
        }
        let keep = self.mark();
        match self.lens(body, p, k) {
            Ok(q) if q > p => {
                if stop && self.look_deep(k, p) {
                    return Err(No::Bail);
                }
                self.fill(i, q, None, 1);
                Ok(q)
            }
            Ok(_) | Err(No::Fail) if stop => {
                self.undo(keep);
                self.fill(i, p, None, 0);
                Ok(p)
            }
            Ok(_) | Err(No::Fail) => Err(No::Fail),
            Err(No::Bail) => Err(No::Bail),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::{Options, lens_modules};
    use std::path::{Path, PathBuf};

    const STOCK: &str = "/usr/share/augeas/lenses/dist";

    /// The forward parse reads the whole of each sample of `lenses/tests/data/forward`
    /// (listed in its `samples.txt`) with its stock lens (where installed) without bailing
    /// out: what the lenses' tests
    /// compare with the memoising parser is this parse's work. A text it cannot read
    /// (cut short) gives no tape.
    #[test]
    fn forward_parse_reads_the_samples() {
        if !Path::new(STOCK).join("json.aug").exists() {
            eprintln!("skipped: {STOCK} is not installed (apt install augeas-lenses)");
            return;
        }
        let modules = lens_modules(&[PathBuf::from(STOCK)], Options::default());
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lenses/tests/data/forward");
        let list = std::fs::read_to_string(dir.join("samples.txt")).unwrap();
        let samples = list
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(' '));
        for (module, file) in samples {
            let m = modules
                .iter()
                .find(|m| m.name.eq_ignore_ascii_case(module))
                .unwrap();
            let lens = m.lens().unwrap();
            let text = std::fs::read(dir.join(file)).unwrap();
            let none = Default::default();
            let tape = super::parse(lens, &text, 0, text.len(), &none);
            assert!(tape.is_some(), "{module}: no forward parse of {file}");
            let cut = text.get(..text.len() - 3).unwrap();
            assert!(
                super::parse(lens, cut, 0, cut.len(), &none).is_none(),
                "{module}: {file} cut short"
            );
        }
    }
}
