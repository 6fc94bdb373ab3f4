//! Splitting with automata of the parts' languages (what get uses for big texts, and put
//! for tree languages): a concatenation by its parts' and suffixes' automata
//! ([`split_concat`]), a union's first branch, an iteration's next longest piece, all
//! behind the [`Splitter`](super::Splitter) interface as [`Automata`].

use super::{Fail, Steps};
use crate::lens::Lens;
use crate::rx::{Regex, Suffixes};

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
/// `member`: see [`split_concat_into`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn split_concat(
    member: bool,
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
        member,
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
/// last part in debug builds. With `member`, the caller also vouches for that without a
/// check of its own failing later (get, whose every text is split out of a text its lens
/// matched): then a part, or the rest after it, whose words all have the same length is
/// placed by that length, without a scan (it has no other place in any split).
#[allow(clippy::too_many_arguments)]
pub(crate) fn split_concat_into(
    member: bool,
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
        } else if let Some(q) = member.then(|| fixed_end(part, rest, p, e)).flatten() {
            debug_assert!(part.matches_span(text, p, q) && rest.matches_span(text, q, e));
            q
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

/// Where a part started at `p` ends in `[p, e]` when it, or the `rest` after it, has words
/// of one length only: the one place it can end in a text the concatenation matches.
/// `None` when neither has a fixed length, or the length does not fit.
fn fixed_end(part: &Regex, rest: &Regex, p: usize, e: usize) -> Option<usize> {
    let q = match part.fixed_len() {
        Some(n) => p.checked_add(n)?,
        None => e.checked_sub(rest.fixed_len()?)?,
    };
    (p..=e).contains(&q).then_some(q)
}

/// A lens's text language as a [`Part`].
pub(crate) fn ctype_part(l: &Lens) -> Part<'_> {
    (&l.0.ctype, l.0.c_eps)
}

/// A lens's tree language as a [`Part`].
pub(crate) fn atype_part(l: &Lens) -> Part<'_> {
    (&l.0.atype, l.0.a_eps)
}

/// The automata implementation of the splitter's methods (see [`super::Splitter`]): the
/// languages of a lens's parts, precomputed when the lens was made (`Lens::split`).
pub(super) struct Automata<'s, 'a> {
    text: &'a [u8],
    scratch: &'s mut Scratch,
}

impl<'s, 'a> Automata<'s, 'a> {
    pub(super) fn new(text: &'a [u8], scratch: &'s mut Scratch) -> Self {
        Automata { text, scratch }
    }

    /// Whether `lens`'s text language holds `text[s..e]`.
    pub(super) fn matches(&mut self, lens: &'a Lens, s: usize, e: usize) -> bool {
        lens.0.ctype.matches_span(self.text, s, e)
    }

    /// Splits a concatenation (see [`split_concat_into`]).
    pub(super) fn concat(
        &mut self,
        lens: &'a Lens,
        parts: &'a [Lens],
        s: usize,
        e: usize,
        bounds: &mut Vec<usize>,
    ) -> Result<(), Fail> {
        split_concat_into(
            true,
            bounds,
            self.text,
            s,
            e,
            parts,
            ctype_part,
            &lens.0.split.csuffix,
            &lens.0.split.csuffixes,
            self.scratch,
        )
        .ok_or(Fail::NoMatch(None))
    }

    /// The first branch whose language holds the text, all branches matched in one scan
    /// when the union's automaton could be built.
    pub(super) fn union(
        &mut self,
        lens: &'a Lens,
        alts: &'a [Lens],
        s: usize,
        e: usize,
    ) -> Result<&'a Lens, Fail> {
        let text = self.text;
        let first = if lens.0.split.calts.usable() {
            lens.0
                .split
                .calts
                .first_match(text, s, e)
                .and_then(|i| alts.get(i))
        } else {
            alts.iter().find(|a| a.0.ctype.matches_span(text, s, e))
        };
        first.ok_or(Fail::NoMatch(None))
    }

    /// How an iteration of `body` is split: a union body picks its branch in the same
    /// scan as the match.
    pub(super) fn star(&mut self, body: &'a Lens) -> Steps<'a> {
        Steps::Automata(match &body.0.kind {
            crate::lens::Kind::Union(alts) if body.0.split.calts.usable() => Some(alts),
            _ => None,
        })
    }

    /// The next piece of an iteration of `body` from `p`: its longest non-empty match,
    /// with the branch of `alts` (the body's, when given) that matched.
    #[inline]
    pub(super) fn step(
        &mut self,
        body: &'a Lens,
        alts: Option<&'a [Lens]>,
        p: usize,
        e: usize,
    ) -> Option<(usize, &'a Lens)> {
        if p >= e {
            return None;
        }
        let m = match alts {
            Some(alts) => body
                .0
                .split
                .calts
                .longest_match(self.text, p, e)
                .and_then(|(q, i)| Some((q, alts.get(i)?))),
            None => body
                .0
                .ctype
                .longest_match(self.text, p, e)
                .map(|q| (q, body)),
        };
        m.filter(|&(q, _)| q > p)
    }

    /// Whether an optional `body` reads `text[s..e]`, which the optional lens reads: a
    /// text that is not empty is the body's.
    pub(super) fn maybe(&mut self, body: &'a Lens, s: usize, e: usize) -> bool {
        if s < e {
            debug_assert!(body.0.ctype.matches_span(self.text, s, e));
            return true;
        }
        body.0.ctype.matches_empty()
    }
}
