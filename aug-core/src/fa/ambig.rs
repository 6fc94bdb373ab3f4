//! The ambiguity check for concatenation (Møller's criterion, as libfa's
//! `fa_ambig_example`): `L1·L2` is ambiguous iff there are words `u`, `v` and a non-empty
//! `p` with `u, up ∈ L1` and `pv, v ∈ L2`.
//!
//! Instead of libfa's marker symbols this runs three searches over explicit DFAs:
//! the pairs `(r, s)` of L2 states from which a common word reaches acceptance in both
//! (so `v` exists), then a product search over `L1 × L2` for `p`, then plain searches for
//! `u` and `v` to print the witness.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use super::{Dfa, STATE_LIMIT};

type Word = Vec<u8>;

/// A witness `(u, p, v)` for the ambiguity of `a·b`, or `None`; `Err(limit)` if a search
/// needed more than [`STATE_LIMIT`] states.
pub(crate) fn concat(a: &Dfa, b: &Dfa) -> Result<Option<(Word, Word, Word)>, usize> {
    let step_a = |s: u32, x: u8| a.next(s, a.classes[usize::from(x)]);
    let step_b = |s: u32, x: u8| b.next(s, b.classes[usize::from(x)]);
    let reps_b = reps(&[a, b][1..]);
    let reps_ab = reps(&[a, b]);
    let n_a = a.accept.len() as u32;
    let n_b = b.accept.len() as u32;

    // States r of b such that some v leads both r and b's start to acceptance.
    let starts: Vec<(u32, u32)> = (0..n_b).map(|r| (r, b.start)).collect();
    let both = |(x, y): (u32, u32)| b.accepts(x) && b.accepts(y);
    let live = co_reachable(
        &starts,
        &reps_b,
        |(x, y), c| (step_b(x, c), step_b(y, c)),
        both,
    )?;

    // Accepting states q of a reachable from its start: u exists.
    let reach = co_reachable(&[a.start], &reps_ab, step_a, |_| true)?;
    let qs: Vec<(u32, u32)> = (0..n_a)
        .filter(|&q| a.accepts(q) && reach.get(&q).copied().unwrap_or(false))
        .map(|q| (q, b.start))
        .collect();
    let step_ab = |(x, y): (u32, u32), c: u8| (step_a(x, c), step_b(y, c));
    let goal =
        |(x, y): (u32, u32)| a.accepts(x) && live.get(&(y, b.start)).copied().unwrap_or(false);
    let Some(((q, _), p, (_, r))) = search(&qs, &reps_ab, step_ab, goal, true)? else {
        return Ok(None);
    };
    let u = search(&[a.start], &reps_ab, step_a, |s| s == q, false)?;
    let v = search(
        &[(r, b.start)],
        &reps_b,
        |(x, y), c| (step_b(x, c), step_b(y, c)),
        both,
        false,
    )?;
    Ok(match (u, v) {
        (Some((_, u, _)), Some((_, v, _))) => Some((u, p, v)),
        _ => None,
    })
}

/// One representative byte per class of the joint partition of `dfas`.
fn reps(dfas: &[&Dfa]) -> Vec<u8> {
    let mut seen: HashMap<Vec<u8>, u8> = HashMap::new();
    for x in 0..=255u8 {
        let key: Vec<u8> = dfas.iter().map(|d| d.classes[usize::from(x)]).collect();
        seen.entry(key).or_insert(x);
    }
    let mut r: Vec<u8> = seen.into_values().collect();
    r.sort_unstable();
    r
}

/// The states reachable from `starts`, each mapped to whether it can reach `goal`.
fn co_reachable<S: Copy + Eq + Hash>(
    starts: &[S],
    reps: &[u8],
    step: impl Fn(S, u8) -> S,
    goal: impl Fn(S) -> bool,
) -> Result<HashMap<S, bool>, usize> {
    let mut index: HashMap<S, usize> = HashMap::new();
    let mut nodes: Vec<S> = Vec::new();
    let mut preds: Vec<Vec<usize>> = Vec::new();
    let mut queue = VecDeque::new();
    for &s in starts {
        if let std::collections::hash_map::Entry::Vacant(e) = index.entry(s) {
            e.insert(nodes.len());
            nodes.push(s);
            preds.push(Vec::new());
            queue.push_back(s);
        }
    }
    while let Some(s) = queue.pop_front() {
        let Some(&si) = index.get(&s) else { continue };
        for &c in reps {
            let t = step(s, c);
            let ti = match index.get(&t) {
                Some(&ti) => ti,
                None => {
                    if nodes.len() >= STATE_LIMIT {
                        return Err(STATE_LIMIT);
                    }
                    index.insert(t, nodes.len());
                    nodes.push(t);
                    preds.push(Vec::new());
                    queue.push_back(t);
                    nodes.len() - 1
                }
            };
            if let Some(p) = preds.get_mut(ti) {
                p.push(si);
            }
        }
    }
    let mut live: Vec<bool> = nodes.iter().map(|&s| goal(s)).collect();
    let mut stack: Vec<usize> = (0..nodes.len())
        .filter(|&i| live.get(i) == Some(&true))
        .collect();
    while let Some(i) = stack.pop() {
        for &p in preds.get(i).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(l) = live.get_mut(p)
                && !*l
            {
                *l = true;
                stack.push(p);
            }
        }
    }
    Ok(nodes.into_iter().zip(live).collect())
}

enum Pred<S> {
    Root,
    Origin(S, u8),
    Step(S, u8),
}

/// A shortest path from one of `starts` to a `goal` state, as `(start, word, end)`. With
/// `nonempty`, the word has at least one byte.
fn search<S: Copy + Eq + Hash>(
    starts: &[S],
    reps: &[u8],
    step: impl Fn(S, u8) -> S,
    goal: impl Fn(S) -> bool,
    nonempty: bool,
) -> Result<Option<(S, Word, S)>, usize> {
    let mut pred: HashMap<S, Pred<S>> = HashMap::new();
    let mut queue = VecDeque::new();
    for &s in starts {
        if nonempty {
            for &c in reps {
                let t = step(s, c);
                if let std::collections::hash_map::Entry::Vacant(e) = pred.entry(t) {
                    e.insert(Pred::Origin(s, c));
                    queue.push_back(t);
                }
            }
        } else if let std::collections::hash_map::Entry::Vacant(e) = pred.entry(s) {
            e.insert(Pred::Root);
            queue.push_back(s);
        }
    }
    while let Some(s) = queue.pop_front() {
        if goal(s) {
            let mut word = Vec::new();
            let mut cur = s;
            for _ in 0..=pred.len() {
                match pred.get(&cur) {
                    Some(Pred::Step(p, c)) => {
                        word.push(*c);
                        cur = *p;
                    }
                    Some(Pred::Origin(p, c)) => {
                        word.push(*c);
                        cur = *p;
                        break;
                    }
                    Some(Pred::Root) | None => break,
                }
            }
            word.reverse();
            return Ok(Some((cur, word, s)));
        }
        for &c in reps {
            let t = step(s, c);
            if !pred.contains_key(&t) {
                if pred.len() >= STATE_LIMIT {
                    return Err(STATE_LIMIT);
                }
                pred.insert(t, Pred::Step(s, c));
                queue.push_back(t);
            }
        }
    }
    Ok(None)
}
