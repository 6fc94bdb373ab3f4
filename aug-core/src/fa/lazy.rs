//! The lazily built DFA used for matching: subset construction over byte classes,
//! states computed on demand and cached, with a bounded cache.

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use super::nfa::Nfa;
use super::{ByteSet, Dfa, STATE_LIMIT};

/// The dead state: the empty NFA state set, from which nothing is accepted.
const DEAD: u32 = 0;
/// A transition not computed yet.
const UNKNOWN: u32 = u32::MAX;
/// How many states the matching cache holds before it is cleared and rebuilt.
const CACHE_LIMIT: usize = 10_000;

/// A DFA whose states (sets of live NFA states) are computed on demand.
#[derive(Debug)]
pub(crate) struct LazyDfa {
    nfa: Arc<Nfa>,
    classes: [u8; 256],
    nclasses: usize,
    sets: Vec<Arc<[u32]>>,
    accept: Vec<bool>,
    /// Marker states (see [`LazyDfa::with_marks`]); empty for a plain DFA.
    marks: Vec<u32>,
    /// Per DFA state, bit `i` set when it contains `marks[i]`.
    masks: Vec<u64>,
    trans: Vec<u32>,
    index: FxHashMap<Arc<[u32]>, u32>,
    /// States that matter to a DFA state's identity: those with byte transitions, and the
    /// accepting state. ε-only states are followed but not kept in the sets, which keeps
    /// the sets small and merges DFA states that differ only in them.
    important: Vec<bool>,
    /// The ε-closure (important states only) of each NFA state, computed on first use:
    /// a transition's successor set is the union of its targets' closures.
    eclose: Vec<Option<Box<[u32]>>>,
    start: u32,
    /// Bumped on every cache reset so that stale state ids are not written back.
    generation: u64,
    /// When set, a full cache is an error (materialisation) rather than a reset (matching).
    fail_when_full: bool,
    overflowed: bool,
    mark: Vec<u32>,
    epoch: u32,
    stack: Vec<u32>,
    /// Scratch buffers for [`LazyDfa::compute`]: a successor set is only allocated when
    /// it is a new DFA state.
    seeds: Vec<u32>,
    closed: Vec<u32>,
    /// One bit per NFA state, all clear between uses: puts big closures in order without
    /// sorting them.
    bits: Vec<u64>,
}

impl LazyDfa {
    /// A lazy DFA for `nfa`.
    pub(crate) fn new(nfa: Arc<Nfa>) -> LazyDfa {
        Self::with_marks(nfa, Vec::new())
    }

    /// A lazy DFA that also reports, for every prefix it reads, which of the (at most 64)
    /// `marks` states the NFA can be in (see [`LazyDfa::scan_marks`]).
    pub(crate) fn with_marks(nfa: Arc<Nfa>, marks: Vec<u32>) -> LazyDfa {
        let (classes, nclasses) = byte_classes(&nfa);
        let n = nfa.len();
        let important = (0..n as u32)
            .map(|i| i == nfa.accept || marks.contains(&i) || !nfa.bytes(i).is_empty())
            .collect();
        let mut dfa = LazyDfa {
            nfa,
            classes,
            nclasses,
            sets: Vec::new(),
            accept: Vec::new(),
            marks,
            masks: Vec::new(),
            trans: Vec::new(),
            index: FxHashMap::default(),
            important,
            eclose: vec![None; n],
            start: DEAD,
            generation: 0,
            fail_when_full: false,
            overflowed: false,
            mark: vec![0; n],
            epoch: 0,
            stack: Vec::new(),
            seeds: Vec::new(),
            closed: Vec::new(),
            bits: vec![0; n.div_ceil(64)],
        };
        dfa.reset();
        dfa
    }

    fn reset(&mut self) {
        self.sets.clear();
        self.accept.clear();
        self.masks.clear();
        self.trans.clear();
        self.index.clear();
        self.generation += 1;
        let dead = self.intern(&[]);
        debug_assert_eq!(dead, DEAD);
        let mut start = Vec::new();
        self.closure(&[self.nfa.start], &mut start);
        self.start = self.intern(&start);
    }

    /// The ε-closure of `seeds`, restricted to live important states, sorted, into `out`
    /// (cleared first).
    fn closure(&mut self, seeds: &[u32], out: &mut Vec<u32>) {
        out.clear();
        for &q in seeds {
            self.add_eclose(q, out);
        }
        if out.len() <= SORT_LIMIT {
            out.sort_unstable();
            out.dedup();
            return;
        }
        // Big sets (marked automata keep hundreds of states alive): through the bitset.
        let (mut lo, mut hi) = (usize::MAX, 0);
        for &q in out.iter() {
            let w = q as usize / 64;
            if let Some(word) = self.bits.get_mut(w) {
                *word |= 1 << (q % 64);
                lo = lo.min(w);
                hi = hi.max(w);
            }
        }
        out.clear();
        for w in lo..=hi {
            let Some(word) = self.bits.get_mut(w) else {
                break;
            };
            let mut x = std::mem::take(word);
            while x != 0 {
                out.push((w * 64) as u32 + x.trailing_zeros());
                x &= x - 1;
            }
        }
    }

    /// Appends the (memoised) ε-closure of the single state `q` to `out`.
    fn add_eclose(&mut self, q: u32, out: &mut Vec<u32>) {
        let qi = q as usize;
        if let Some(Some(c)) = self.eclose.get(qi) {
            out.extend_from_slice(c);
            return;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
        let mut set = Vec::new();
        self.stack.clear();
        self.stack.push(q);
        while let Some(s) = self.stack.pop() {
            let si = s as usize;
            if !self.nfa.live.get(si).copied().unwrap_or(false) {
                continue;
            }
            match self.mark.get_mut(si) {
                Some(m) if *m != self.epoch => *m = self.epoch,
                _ => continue,
            }
            if self.important.get(si).copied().unwrap_or(false) {
                set.push(s);
            }
            self.stack.extend_from_slice(self.nfa.eps(s));
        }
        out.extend_from_slice(&set);
        if let Some(slot) = self.eclose.get_mut(qi) {
            *slot = Some(set.into_boxed_slice());
        }
    }

    fn intern(&mut self, set: &[u32]) -> u32 {
        if let Some(&id) = self.index.get(set) {
            return id;
        }
        let limit = if self.fail_when_full {
            STATE_LIMIT
        } else {
            CACHE_LIMIT
        };
        if self.sets.len() >= limit {
            if self.fail_when_full {
                self.overflowed = true;
                return DEAD;
            }
            self.reset();
            if let Some(&id) = self.index.get(set) {
                return id;
            }
        }
        let id = self.sets.len() as u32;
        let accept = set.binary_search(&self.nfa.accept).is_ok();
        let mut mask = 0u64;
        for (i, m) in self.marks.iter().enumerate().take(64) {
            if set.binary_search(m).is_ok() {
                mask |= 1 << i;
            }
        }
        self.masks.push(mask);
        let set: Arc<[u32]> = set.into();
        self.index.insert(set.clone(), id);
        self.sets.push(set);
        self.accept.push(accept);
        self.trans
            .extend(std::iter::repeat_n(UNKNOWN, self.nclasses));
        id
    }

    /// The successor of `s` on byte `b`: a table lookup once computed.
    #[inline(always)]
    fn next(&mut self, s: u32, b: u8) -> u32 {
        let class = usize::from(self.classes[usize::from(b)]);
        let slot = s as usize * self.nclasses + class;
        match self.trans.get(slot) {
            Some(&t) if t != UNKNOWN => t,
            Some(_) => self.compute(s, b, slot),
            None => DEAD,
        }
    }

    /// Computes (and caches) the successor of `s` on `b`, whose table slot is `slot`.
    #[cold]
    #[inline(never)]
    fn compute(&mut self, s: u32, b: u8, slot: usize) -> u32 {
        let mut seeds = std::mem::take(&mut self.seeds);
        seeds.clear();
        if let Some(set) = self.sets.get(s as usize) {
            for &q in set.iter() {
                for &(bytes, t) in self.nfa.bytes(q) {
                    if bytes.contains(b) {
                        seeds.push(t);
                    }
                }
            }
        }
        let mut closed = std::mem::take(&mut self.closed);
        self.closure(&seeds, &mut closed);
        let generation = self.generation;
        let t = self.intern(&closed);
        self.seeds = seeds;
        self.closed = closed;
        if generation == self.generation
            && let Some(slot) = self.trans.get_mut(slot)
        {
            *slot = t;
        }
        t
    }

    #[inline(always)]
    fn accepts(&self, s: u32) -> bool {
        self.accept.get(s as usize).copied().unwrap_or(false)
    }

    /// Feeds `bytes` from the start state, calling `visit(n, state, self)` for the start
    /// (`n = 0`) and after each byte read while the automaton is alive: the last `n`
    /// visited is how many bytes it read before it died.
    ///
    /// Transitions already in the table are followed in an inner loop that holds the
    /// table in locals (computing a new one needs `&mut self`, which would make every
    /// step reload them): the hot loop of every match.
    #[inline(always)]
    fn drive(
        &mut self,
        bytes: impl Iterator<Item = u8>,
        mut visit: impl FnMut(usize, u32, &LazyDfa),
    ) {
        let mut s = self.start;
        if s == DEAD {
            return;
        }
        visit(0, s, self);
        let mut it = bytes.enumerate();
        loop {
            let (i, b, slot) = {
                let (trans, classes, nclasses) = (&self.trans, &self.classes, self.nclasses);
                loop {
                    let Some((i, b)) = it.next() else {
                        return;
                    };
                    let slot = s as usize * nclasses + usize::from(classes[usize::from(b)]);
                    match trans.get(slot) {
                        Some(&t) if t != UNKNOWN => {
                            if t == DEAD {
                                return;
                            }
                            s = t;
                            visit(i + 1, s, self);
                        }
                        Some(_) => break (i, b, slot),
                        None => return,
                    }
                }
            };
            s = self.compute(s, b, slot);
            if s == DEAD {
                return;
            }
            visit(i + 1, s, self);
        }
    }

    /// Feeds `bytes` from the start state and calls `on_accept(n)` for every prefix length
    /// `n` that is accepted. Stops at the first dead state. Returns how many bytes were
    /// consumed while the automaton was still alive (the longest viable prefix).
    pub(crate) fn scan(
        &mut self,
        bytes: impl Iterator<Item = u8>,
        mut on_accept: impl FnMut(usize),
    ) -> usize {
        let mut read = 0;
        self.drive(bytes, |n, s, d| {
            read = n;
            if d.accepts(s) {
                on_accept(n);
            }
        });
        read
    }

    /// Like [`LazyDfa::scan`], but calls `on_marks(n, mask)` for every prefix length `n`
    /// whose state holds some marker, `mask` saying which.
    pub(crate) fn scan_marks(
        &mut self,
        bytes: impl Iterator<Item = u8>,
        mut on_marks: impl FnMut(usize, u64),
    ) {
        self.drive(bytes, |n, s, d| {
            let m = d.masks.get(s as usize).copied().unwrap_or(0);
            if m != 0 {
                on_marks(n, m);
            }
        });
    }

    /// Whether the whole of `bytes` is accepted.
    pub(crate) fn full_match(&mut self, bytes: &[u8]) -> bool {
        let mut ok = false;
        self.drive(bytes.iter().copied(), |n, s, d| {
            if n == bytes.len() {
                ok = d.accepts(s);
            }
        });
        ok
    }

    /// Whether the empty word is accepted.
    pub(crate) fn accepts_empty(&self) -> bool {
        self.accepts(self.start)
    }

    /// Builds every reachable state and returns the explicit, total, minimal DFA, or
    /// `Err(limit)` when there are more than [`STATE_LIMIT`] states.
    pub(crate) fn materialize(nfa: Arc<Nfa>) -> Result<Dfa, usize> {
        LazyDfa::subset_construction(nfa).map(|d| d.minimize())
    }

    /// [`LazyDfa::materialize`] without the minimisation.
    pub(crate) fn subset_construction(nfa: Arc<Nfa>) -> Result<Dfa, usize> {
        let mut dfa = LazyDfa::new(nfa);
        dfa.fail_when_full = true;
        let reps: Vec<u8> = (0..dfa.nclasses)
            .filter_map(|c| (0..=255u8).find(|&b| usize::from(dfa.classes[usize::from(b)]) == c))
            .collect();
        let mut s = 0u32;
        while (s as usize) < dfa.sets.len() {
            for &b in &reps {
                dfa.next(s, b);
                if dfa.overflowed {
                    return Err(STATE_LIMIT);
                }
            }
            s += 1;
        }
        Ok(Dfa {
            classes: dfa.classes,
            nclasses: dfa.nclasses,
            trans: dfa.trans,
            accept: dfa.accept,
            start: dfa.start,
        })
    }
}

/// Splits the byte alphabet into ranges that every transition of `nfa` treats alike.
/// Closures up to this size are put in order by sorting; bigger ones through a bitset.
const SORT_LIMIT: usize = 32;

fn byte_classes(nfa: &Nfa) -> ([u8; 256], usize) {
    // Bit `b` of `boundary` is set when some edge's set holds exactly one of `b - 1`
    // and `b`: a set's bits xor-ed with themselves shifted by one.
    let mut boundary = [0u64; 4];
    let mut seen: FxHashSet<ByteSet> = FxHashSet::default();
    for set in nfa.all_byte_sets() {
        if !seen.insert(set) {
            continue;
        }
        let x = set.0;
        let mut carry = 0;
        for (w, bound) in x.iter().zip(boundary.iter_mut()) {
            *bound |= w ^ ((w << 1) | carry);
            carry = w >> 63;
        }
    }
    let mut classes = [0u8; 256];
    let mut c = 0u8;
    for (b, class) in classes.iter_mut().enumerate().skip(1) {
        if boundary.get(b / 64).is_some_and(|w| w >> (b % 64) & 1 == 1) {
            c += 1;
        }
        *class = c;
    }
    (classes, usize::from(c) + 1)
}
