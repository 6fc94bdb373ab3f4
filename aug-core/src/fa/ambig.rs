//! The ambiguity check for concatenation (Møller's criterion, as libfa's
//! `fa_ambig_example`): `L1·L2` is ambiguous iff there are words `u`, `v` and a non-empty
//! `p` with `u, up ∈ L1` and `pv, v ∈ L2`.
//!
//! Instead of libfa's marker symbols this runs three searches over explicit DFAs:
//! the pairs `(r, s)` of L2 states from which a common word reaches acceptance in both
//! (so `v` exists), then a product search over `L1 × L2` for `p`, then plain searches for
//! `u` and `v` to print the witness.

use rustc_hash::FxHashMap as HashMap;
use std::hash::Hash;

use super::{Dfa, STATE_LIMIT};

type Word = Vec<u8>;

/// A witness `(u, p, v)` for the ambiguity of `a·b`, or `None`; `Err(limit)` if a search
/// needed more than [`STATE_LIMIT`] states.
pub(crate) fn concat(a: &Dfa, b: &Dfa) -> Result<Option<(Word, Word, Word)>, usize> {
    if !may_overlap(a, b) {
        return Ok(None);
    }
    let step_a = |s: u32, x: u8| a.next(s, a.classes[usize::from(x)]);
    let step_b = |s: u32, x: u8| b.next(s, b.classes[usize::from(x)]);
    let reps_b = reps(&[a, b][1..]);
    let reps_ab = reps(&[a, b]);
    let n_a = a.accept.len() as u32;
    let n_b = b.accept.len() as u32;
    let pairs_bb = (n_b as usize * n_b as usize, n_b);
    let pairs_ab = (n_a as usize * n_b as usize, n_b);

    // States r of b such that some v leads both r and b's start to acceptance.
    let starts: Vec<(u32, u32)> = (0..n_b).map(|r| (r, b.start)).collect();
    let both = |(x, y): (u32, u32)| b.accepts(x) && b.accepts(y);
    let live = co_reachable(
        &starts,
        &reps_b,
        pairs_bb,
        |(x, y), c| (step_b(x, c), step_b(y, c)),
        both,
    )?;

    // Accepting states q of a reachable from its start: u exists.
    let reach = co_reachable(&[a.start], &reps_ab, (n_a as usize, 0), step_a, |_| true)?;
    let qs: Vec<(u32, u32)> = (0..n_a)
        .filter(|&q| a.accepts(q) && is_live(&reach, q))
        .map(|q| (q, b.start))
        .collect();
    let step_ab = |(x, y): (u32, u32), c: u8| (step_a(x, c), step_b(y, c));
    let goal = |(x, y): (u32, u32)| a.accepts(x) && is_live(&live, (y, b.start));
    let Some(((q, _), p, (_, r))) = search(&qs, &reps_ab, pairs_ab, step_ab, goal, true)? else {
        return Ok(None);
    };
    let u = search(
        &[a.start],
        &reps_ab,
        (n_a as usize, 0),
        step_a,
        |s| s == q,
        false,
    )?;
    let v = search(
        &[(r, b.start)],
        &reps_b,
        pairs_bb,
        |(x, y), c| (step_b(x, c), step_b(y, c)),
        both,
        false,
    )?;
    Ok(match (u, v) {
        (Some((_, u, _)), Some((_, v, _))) => Some((u, p, v)),
        _ => None,
    })
}

/// A quick test that most unambiguous concatenations fail: the first byte of `p` must
/// be able both to continue a word of `a` (from an accepting state, staying live) and to
/// start a word of `b`. Both DFAs are minimal, so all their states are reachable.
fn may_overlap(a: &Dfa, b: &Dfa) -> bool {
    let (live_a, live_b) = (a.live(), b.live());
    let is_live = |live: &[bool], s: u32| live.get(s as usize).copied().unwrap_or(false);
    let starts_b: Vec<u8> = (0..=255u8)
        .filter(|&x| is_live(&live_b, b.next(b.start, b.classes[usize::from(x)])))
        .collect();
    (0..a.accept.len() as u32)
        .filter(|&q| a.accepts(q))
        .any(|q| {
            starts_b
                .iter()
                .any(|&x| is_live(&live_a, a.next(q, a.classes[usize::from(x)])))
        })
}

/// One representative byte per class of the joint partition of `dfas`.
pub(crate) fn reps(dfas: &[&Dfa]) -> Vec<u8> {
    let mut seen: HashMap<Vec<u8>, u8> = HashMap::default();
    for x in 0..=255u8 {
        let key: Vec<u8> = dfas.iter().map(|d| d.classes[usize::from(x)]).collect();
        seen.entry(key).or_insert(x);
    }
    let mut r: Vec<u8> = seen.into_values().collect();
    r.sort_unstable();
    r
}

/// A search state: a DFA state, or a pair of states of two DFAs.
pub(crate) trait Key: Copy + Eq + Hash {
    /// Its position among `bound` possible states (see [`Index`]).
    fn slot(self, width: u32) -> usize;
}

impl Key for u32 {
    fn slot(self, _: u32) -> usize {
        self as usize
    }
}

impl Key for (u32, u32) {
    fn slot(self, width: u32) -> usize {
        self.0 as usize * width as usize + self.1 as usize
    }
}

/// Searches over at most this many possible states number them with an array.
const DENSE_LIMIT: usize = 1 << 20;

/// Numbers the states a search meets: with an array when few states are possible (most
/// searches), with a hash map otherwise.
pub(crate) enum Index<S> {
    Dense(Vec<u32>, u32),
    Sparse(HashMap<S, u32>),
}

impl<S: Key> Index<S> {
    /// An index for states among `bound` possible ones, pairs being `width` wide.
    pub(crate) fn new(bound: usize, width: u32) -> Self {
        if bound <= DENSE_LIMIT {
            Index::Dense(vec![u32::MAX; bound], width)
        } else {
            Index::Sparse(HashMap::default())
        }
    }

    pub(crate) fn get(&self, s: S) -> Option<u32> {
        match self {
            Index::Dense(v, w) => v.get(s.slot(*w)).copied().filter(|&i| i != u32::MAX),
            Index::Sparse(m) => m.get(&s).copied(),
        }
    }

    /// Numbers `s` with `i` unless it has a number; returns whether it was new.
    pub(crate) fn insert(&mut self, s: S, i: u32) -> bool {
        match self {
            Index::Dense(v, w) => match v.get_mut(s.slot(*w)) {
                Some(slot) if *slot == u32::MAX => {
                    *slot = i;
                    true
                }
                _ => false,
            },
            Index::Sparse(m) => match m.entry(s) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                    true
                }
                std::collections::hash_map::Entry::Occupied(_) => false,
            },
        }
    }
}

/// The states reachable from `starts` (among `bound` possible ones, pairs `width` wide),
/// with whether each can reach `goal`.
fn co_reachable<S: Key>(
    starts: &[S],
    reps: &[u8],
    (bound, width): (usize, u32),
    step: impl Fn(S, u8) -> S,
    goal: impl Fn(S) -> bool,
) -> Result<(Index<S>, Vec<bool>), usize> {
    let mut index: Index<S> = Index::new(bound, width);
    let mut nodes: Vec<S> = Vec::new();
    let mut preds: Vec<Vec<u32>> = Vec::new();
    for &s in starts {
        if index.insert(s, nodes.len() as u32) {
            nodes.push(s);
            preds.push(Vec::new());
        }
    }
    let mut next = 0;
    while let Some(&s) = nodes.get(next) {
        let si = next as u32;
        next += 1;
        for &c in reps {
            let t = step(s, c);
            let ti = match index.get(t) {
                Some(ti) => ti,
                None => {
                    if nodes.len() >= STATE_LIMIT {
                        return Err(STATE_LIMIT);
                    }
                    let ti = nodes.len() as u32;
                    index.insert(t, ti);
                    nodes.push(t);
                    preds.push(Vec::new());
                    ti
                }
            };
            if let Some(p) = preds.get_mut(ti as usize) {
                p.push(si);
            }
        }
    }
    let mut live: Vec<bool> = nodes.iter().map(|&s| goal(s)).collect();
    let mut stack: Vec<u32> = (0..nodes.len() as u32)
        .filter(|&i| live.get(i as usize) == Some(&true))
        .collect();
    while let Some(i) = stack.pop() {
        for &p in preds.get(i as usize).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(l) = live.get_mut(p as usize)
                && !*l
            {
                *l = true;
                stack.push(p);
            }
        }
    }
    Ok((index, live))
}

/// Whether `s` was reached and can reach the goal, after [`co_reachable`].
fn is_live<S: Key>((index, live): &(Index<S>, Vec<bool>), s: S) -> bool {
    index
        .get(s)
        .and_then(|i| live.get(i as usize).copied())
        .unwrap_or(false)
}

enum Pred<S> {
    Root,
    Origin(S, u8),
    Step(S, u8),
}

/// A shortest path from one of `starts` to a `goal` state, as `(start, word, end)`. With
/// `nonempty`, the word has at least one byte.
fn search<S: Key>(
    starts: &[S],
    reps: &[u8],
    (bound, width): (usize, u32),
    step: impl Fn(S, u8) -> S,
    goal: impl Fn(S) -> bool,
    nonempty: bool,
) -> Result<Option<(S, Word, S)>, usize> {
    let mut index: Index<S> = Index::new(bound, width);
    // The states in the order met, each with how it was reached.
    let mut met: Vec<(S, Pred<S>)> = Vec::new();
    for &s in starts {
        if nonempty {
            for &c in reps {
                let t = step(s, c);
                if index.insert(t, met.len() as u32) {
                    met.push((t, Pred::Origin(s, c)));
                }
            }
        } else if index.insert(s, met.len() as u32) {
            met.push((s, Pred::Root));
        }
    }
    let mut next = 0;
    while let Some(&(s, _)) = met.get(next) {
        next += 1;
        if goal(s) {
            let mut word = Vec::new();
            let mut cur = s;
            for _ in 0..=met.len() {
                match index.get(cur).and_then(|i| met.get(i as usize)) {
                    Some((_, Pred::Step(p, c))) => {
                        word.push(*c);
                        cur = *p;
                    }
                    Some((_, Pred::Origin(p, c))) => {
                        word.push(*c);
                        cur = *p;
                        break;
                    }
                    Some((_, Pred::Root)) | None => break,
                }
            }
            word.reverse();
            return Ok(Some((cur, word, s)));
        }
        for &c in reps {
            let t = step(s, c);
            if index.get(t).is_none() {
                if met.len() >= STATE_LIMIT {
                    return Err(STATE_LIMIT);
                }
                index.insert(t, met.len() as u32);
                met.push((t, Pred::Step(s, c)));
            }
        }
    }
    Ok(None)
}
