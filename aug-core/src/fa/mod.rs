//! Finite automata over the byte alphabet: the expression tree automata are built from,
//! byte sets, and the explicit DFAs that set operations (∩, −, ⊆, =) produce.
//!
//! The pipeline is `Node` → Thompson [`nfa::Nfa`] → lazily determinised [`lazy::LazyDfa`]
//! (used for matching) → fully materialised [`Dfa`] (used for product constructions).
//! Materialisation is capped at [`STATE_LIMIT`] states so that a pathological expression
//! fails with an error instead of exhausting memory.

pub(crate) mod ambig;
pub(crate) mod lazy;
pub(crate) mod nfa;

use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::sync::Arc;

/// The most DFA states a materialised automaton (or a product of two) may have.
pub(crate) const STATE_LIMIT: usize = 100_000;

/// A set of bytes, one bit per byte value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    /// The empty set.
    pub(crate) const EMPTY: ByteSet = ByteSet([0; 4]);
    /// All 256 bytes.
    pub(crate) const FULL: ByteSet = ByteSet([u64::MAX; 4]);

    /// The set holding only `b`.
    pub(crate) fn single(b: u8) -> ByteSet {
        let mut s = ByteSet::EMPTY;
        s.insert(b);
        s
    }

    /// The bytes `lo..=hi`.
    pub(crate) fn range(lo: u8, hi: u8) -> ByteSet {
        let mut s = ByteSet::EMPTY;
        for b in lo..=hi {
            s.insert(b);
        }
        s
    }

    /// Adds `b` to the set.
    pub(crate) fn insert(&mut self, b: u8) {
        if let Some(w) = self.0.get_mut(usize::from(b >> 6)) {
            *w |= 1u64 << (b & 63);
        }
    }

    /// Whether `b` is in the set.
    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0
            .get(usize::from(b >> 6))
            .is_some_and(|w| (w >> (b & 63)) & 1 == 1)
    }

    /// Set intersection.
    pub(crate) fn and(self, o: ByteSet) -> ByteSet {
        let mut r = self;
        for (a, b) in r.0.iter_mut().zip(o.0) {
            *a &= b;
        }
        r
    }

    /// Set union.
    pub(crate) fn or(self, o: ByteSet) -> ByteSet {
        let mut r = self;
        for (a, b) in r.0.iter_mut().zip(o.0) {
            *a |= b;
        }
        r
    }

    /// Complement within the byte alphabet.
    pub(crate) fn not(self) -> ByteSet {
        ByteSet(self.0.map(|w| !w))
    }

    /// Whether no byte is in the set.
    pub(crate) fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    /// The bytes of the set, ascending.
    pub(crate) fn iter(self) -> impl Iterator<Item = u8> {
        (0..=255u8).filter(move |&b| self.contains(b))
    }

    /// A representative byte, preferring a printable ASCII one (for readable examples).
    pub(crate) fn pick(self) -> Option<u8> {
        let printable = ByteSet::range(b' ', b'~');
        self.and(printable)
            .iter()
            .next()
            .or_else(|| self.iter().next())
    }

    /// The set closed under ASCII case folding, as GNU `REG_ICASE` sees it: the bytes
    /// whose lower-case form is in `lowered`.
    pub(crate) fn case_expand(lowered: ByteSet) -> ByteSet {
        let mut r = ByteSet::EMPTY;
        for b in 0..=255u8 {
            if lowered.contains(b.to_ascii_lowercase()) {
                r.insert(b);
            }
        }
        r
    }

    /// The lower-case image of the set.
    pub(crate) fn lowered(self) -> ByteSet {
        let mut r = ByteSet::EMPTY;
        for b in self.iter() {
            r.insert(b.to_ascii_lowercase());
        }
        r
    }
}

/// The bytes `\001`–`\004` that the tree encoding reserves (`fa_restrict_alphabet`).
pub(crate) fn reserved_bytes() -> ByteSet {
    ByteSet::range(1, 4)
}

/// The regular expression tree that automata are compiled from.
#[derive(Debug)]
pub(crate) enum Node {
    /// The empty language.
    Never,
    /// The language `{""}`.
    Eps,
    /// One byte out of a set.
    Set(ByteSet),
    /// Concatenation, in order.
    Concat(Vec<Arc<Node>>),
    /// Union.
    Alt(Vec<Arc<Node>>),
    /// `sub{min,max}`; `max == None` means unbounded.
    Repeat(Arc<Node>, u32, Option<u32>),
    /// The language of the child with every word containing `\001`–`\004` removed.
    Restrict(Arc<Node>),
    /// An explicit automaton (the result of a set operation).
    Dfa(Arc<Dfa>),
    /// The child, annotated with the text to display for it.
    Text(Arc<str>, Arc<Node>),
    /// `^` or `$` where GNU regex reads a line anchor (at the start or end of a pattern
    /// or group): the empty word when matching (the anchor's condition on the
    /// neighbouring byte is not checked), the literal byte in set operations, as libfa
    /// has it.
    Anchor(u8),
}

/// What a language's expression says about it without building an automaton: cheap,
/// safe over-approximations (a byte outside `first` never begins a word; a byte outside
/// `alphabet` never occurs in one; `nullable` is exact unless `empty` could have been).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sketch {
    /// The language is certainly empty.
    pub(crate) empty: bool,
    /// The empty word may be in the language.
    pub(crate) nullable: bool,
    /// Bytes that may begin a word.
    pub(crate) first: ByteSet,
    /// Bytes that may occur in a word.
    pub(crate) alphabet: ByteSet,
}

/// For the parts `p₀ … pₙ` of a concatenation, given their sketches: `check(i, follow)`
/// for each `i < n`, where `follow` holds the bytes that can begin `pᵢ₊₁ ⋯ pₙ` (the last
/// part's flag is `false`).
pub(crate) fn follow_flags(
    sketches: &[Sketch],
    mut check: impl FnMut(usize, ByteSet) -> bool,
) -> Vec<bool> {
    let mut out = vec![false; sketches.len()];
    let mut follow = ByteSet::EMPTY;
    for i in (0..sketches.len().saturating_sub(1)).rev() {
        let Some(next) = sketches.get(i + 1) else {
            continue;
        };
        follow = if next.nullable {
            follow.or(next.first)
        } else {
            next.first
        };
        if let Some(flag) = out.get_mut(i) {
            *flag = check(i, follow);
        }
    }
    out
}

impl Sketch {
    /// The sketch of the language `self · other`.
    pub(crate) fn then(self, other: Sketch) -> Sketch {
        if self.empty || other.empty {
            return Sketch::NEVER;
        }
        Sketch {
            empty: false,
            nullable: self.nullable && other.nullable,
            first: if self.nullable {
                self.first.or(other.first)
            } else {
                self.first
            },
            alphabet: self.alphabet.or(other.alphabet),
        }
    }

    /// The sketch of the language `self | other`.
    pub(crate) fn either(self, other: Sketch) -> Sketch {
        if self.empty {
            return other;
        }
        if other.empty {
            return self;
        }
        Sketch {
            empty: false,
            nullable: self.nullable || other.nullable,
            first: self.first.or(other.first),
            alphabet: self.alphabet.or(other.alphabet),
        }
    }

    /// The sketch of the language `self?` (also of `self*`, whose words have the same
    /// first bytes and alphabet).
    pub(crate) fn optional(self) -> Sketch {
        if self.empty {
            return Sketch::EPS;
        }
        Sketch {
            nullable: true,
            ..self
        }
    }

    pub(crate) const NEVER: Sketch = Sketch {
        empty: true,
        nullable: false,
        first: ByteSet::EMPTY,
        alphabet: ByteSet::EMPTY,
    };
    pub(crate) const EPS: Sketch = Sketch {
        empty: false,
        nullable: true,
        first: ByteSet::EMPTY,
        alphabet: ByteSet::EMPTY,
    };
}

impl Node {
    /// The [`Sketch`] of the language, in one pass over the expression (shared
    /// subexpressions are visited once).
    pub(crate) fn sketch(&self) -> Sketch {
        let mut memo = HashMap::default();
        self.sketch_memo(&mut memo)
    }

    fn sketch_memo(&self, memo: &mut HashMap<*const Node, Sketch>) -> Sketch {
        let mut sub = |n: &Arc<Node>| -> Sketch {
            let key = Arc::as_ptr(n);
            if let Some(s) = memo.get(&key) {
                return *s;
            }
            let s = n.sketch_memo(memo);
            memo.insert(key, s);
            s
        };
        match self {
            Node::Never => Sketch::NEVER,
            Node::Eps | Node::Anchor(_) => Sketch::EPS,
            Node::Set(set) => Sketch {
                empty: set.is_empty(),
                nullable: false,
                first: *set,
                alphabet: *set,
            },
            Node::Concat(parts) => {
                let mut out = Sketch::EPS;
                let mut open = true;
                for p in parts {
                    let s = sub(p);
                    if s.empty {
                        return Sketch::NEVER;
                    }
                    if open {
                        out.first = out.first.or(s.first);
                        open = s.nullable;
                    }
                    out.nullable &= s.nullable;
                    out.alphabet = out.alphabet.or(s.alphabet);
                }
                out
            }
            Node::Alt(alts) => {
                let mut out = Sketch::NEVER;
                for a in alts {
                    let s = sub(a);
                    if s.empty {
                        continue;
                    }
                    out.empty = false;
                    out.nullable |= s.nullable;
                    out.first = out.first.or(s.first);
                    out.alphabet = out.alphabet.or(s.alphabet);
                }
                out
            }
            Node::Repeat(body, min, max) => {
                let s = sub(body);
                if *max == Some(0) || (s.empty && *min == 0) {
                    Sketch::EPS
                } else if s.empty {
                    Sketch::NEVER
                } else {
                    Sketch {
                        nullable: s.nullable || *min == 0,
                        ..s
                    }
                }
            }
            Node::Restrict(body) => {
                let s = sub(body);
                let allowed = reserved_bytes().not();
                Sketch {
                    first: s.first.and(allowed),
                    alphabet: s.alphabet.and(allowed),
                    ..s
                }
            }
            Node::Dfa(d) => d.sketch(),
            Node::Text(_, body) => sub(body),
        }
    }

    /// The length of every word of the language when all of its words have the same
    /// length, as the expression shows it (`None` when it does not, or cannot tell: an
    /// explicit automaton, an anchor, an empty language).
    pub(crate) fn fixed_len(&self) -> Option<usize> {
        let mut memo = HashMap::default();
        self.fixed_len_memo(&mut memo)
    }

    fn fixed_len_memo(&self, memo: &mut HashMap<*const Node, Option<usize>>) -> Option<usize> {
        let mut sub = |n: &Arc<Node>| -> Option<usize> {
            let key = Arc::as_ptr(n);
            if let Some(s) = memo.get(&key) {
                return *s;
            }
            let s = n.fixed_len_memo(memo);
            memo.insert(key, s);
            s
        };
        match self {
            Node::Never | Node::Dfa(_) | Node::Anchor(_) => None,
            Node::Eps => Some(0),
            Node::Set(set) => (!set.is_empty()).then_some(1),
            Node::Concat(parts) => parts.iter().try_fold(0usize, |n, p| n.checked_add(sub(p)?)),
            Node::Alt(alts) => {
                let mut lens = alts.iter().map(&mut sub);
                let first = lens.next()??;
                lens.all(|l| l == Some(first)).then_some(first)
            }
            Node::Repeat(body, min, max) => {
                if *max == Some(0) {
                    return Some(0);
                }
                match sub(body)? {
                    0 => Some(0),
                    n if *max == Some(*min) => n.checked_mul(usize::try_from(*min).ok()?),
                    _ => None,
                }
            }
            Node::Restrict(body) | Node::Text(_, body) => sub(body),
        }
    }
}

/// A total, explicit DFA over byte classes. State 0 is not special; `start` is the start.
#[derive(Debug)]
pub(crate) struct Dfa {
    /// The class of each byte.
    pub(crate) classes: [u8; 256],
    /// The number of classes.
    pub(crate) nclasses: usize,
    /// `trans[s * nclasses + c]` is the successor of `s` on class `c`.
    pub(crate) trans: Vec<u32>,
    /// Whether each state accepts.
    pub(crate) accept: Vec<bool>,
    /// The start state.
    pub(crate) start: u32,
}

impl Dfa {
    pub(crate) fn next(&self, s: u32, class: u8) -> u32 {
        let i = s as usize * self.nclasses + usize::from(class);
        self.trans.get(i).copied().unwrap_or(s)
    }

    pub(crate) fn accepts(&self, s: u32) -> bool {
        self.accept.get(s as usize).copied().unwrap_or(false)
    }

    /// The minimal equivalent DFA, by Hopcroft's partition refinement (O(k·n·log n) for
    /// n states and k byte classes). All states are assumed reachable, which holds for
    /// materialised DFAs and products. States are numbered in the order of the first
    /// original state of each class, so the result does not depend on how refinement went.
    pub(crate) fn minimize(&self) -> Dfa {
        let n = self.accept.len();
        let k = self.nclasses;
        let succ = |s: usize, c: usize| self.next(s as u32, c as u8) as usize;
        // Predecessors per class and target, as one flat array: `inv[at[c*n+t]..at[c*n+t+1]]`.
        // (Counting sort: counts go two places up, the fill advances the slot one place up,
        // after which `at[i]..at[i + 1]` is range `i`, with no second array.)
        let mut at = vec![0u32; k * n + 2];
        for s in 0..n {
            for c in 0..k {
                at[c * n + succ(s, c) + 2] += 1;
            }
        }
        for i in 1..at.len() {
            at[i] += at[i - 1];
        }
        let mut inv = vec![0u32; k * n];
        for s in 0..n {
            for c in 0..k {
                let slot = &mut at[c * n + succ(s, c) + 1];
                inv[*slot as usize] = s as u32;
                *slot += 1;
            }
        }
        // The partition: `elems[first[b]..end[b]]` are the states of block `b`.
        let mut elems: Vec<u32> = (0..n as u32).filter(|&s| self.accepts(s)).collect();
        let accepting = elems.len();
        elems.extend((0..n as u32).filter(|&s| !self.accepts(s)));
        let mut loc = vec![0usize; n];
        for (i, &s) in elems.iter().enumerate() {
            loc[s as usize] = i;
        }
        let mut block = vec![0u32; n];
        let (mut first, mut end) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for (lo, hi) in [(0, accepting), (accepting, n)] {
            if lo < hi {
                let b = first.len() as u32;
                for &s in &elems[lo..hi] {
                    block[s as usize] = b;
                }
                first.push(lo);
                end.push(hi);
            }
        }
        // Splitters (block, class) still to process; the smaller initial block is enough.
        let mut pending = vec![false; n.max(1) * k];
        let mut work: Vec<(usize, usize)> = Vec::new();
        if first.len() == 2 {
            let b = if accepting <= n - accepting { 0 } else { 1 };
            for c in 0..k {
                work.push((b, c));
                pending[b * k + c] = true;
            }
        }
        let mut marked = vec![0usize; n];
        let mut is_marked = vec![false; n];
        let mut preds: Vec<u32> = Vec::new();
        let mut touched: Vec<usize> = Vec::new();
        while let Some((b, c)) = work.pop() {
            pending[b * k + c] = false;
            preds.clear();
            for &t in &elems[first[b]..end[b]] {
                let i = c * n + t as usize;
                for &s in &inv[at[i] as usize..at[i + 1] as usize] {
                    if !is_marked[s as usize] {
                        is_marked[s as usize] = true;
                        preds.push(s);
                    }
                }
            }
            // Move the marked states of each block to its front.
            for &s in &preds {
                let y = block[s as usize] as usize;
                if marked[y] == 0 {
                    touched.push(y);
                }
                let to = first[y] + marked[y];
                let from = loc[s as usize];
                let other = elems[to];
                elems.swap(from, to);
                loc[other as usize] = from;
                loc[s as usize] = to;
                marked[y] += 1;
            }
            for &s in &preds {
                is_marked[s as usize] = false;
            }
            for y in touched.drain(..) {
                let m = std::mem::take(&mut marked[y]);
                if m == end[y] - first[y] {
                    continue;
                }
                // Split: the marked front becomes block `z`, `y` keeps the rest.
                let z = first.len();
                first.push(first[y]);
                end.push(first[y] + m);
                first[y] += m;
                for &s in &elems[first[z]..end[z]] {
                    block[s as usize] = z as u32;
                }
                let smaller = if m <= end[y] - first[y] { z } else { y };
                for d in 0..k {
                    let add = if pending[y * k + d] { z } else { smaller };
                    if !pending[add * k + d] {
                        pending[add * k + d] = true;
                        work.push((add, d));
                    }
                }
            }
        }
        // Number the blocks by their first original state.
        let mut id = vec![u32::MAX; first.len()];
        let mut reps = Vec::with_capacity(first.len());
        for (s, &b) in block.iter().enumerate() {
            let b = b as usize;
            if id[b] == u32::MAX {
                id[b] = reps.len() as u32;
                reps.push(s);
            }
        }
        let mut trans = Vec::with_capacity(reps.len() * k);
        for &r in &reps {
            for c in 0..k {
                trans.push(id[block[succ(r, c)] as usize]);
            }
        }
        Dfa {
            classes: self.classes,
            nclasses: self.nclasses,
            trans,
            accept: reps.iter().map(|&r| self.accepts(r as u32)).collect(),
            start: block
                .get(self.start as usize)
                .map_or(0, |&b| id[b as usize]),
        }
    }

    /// The words of the language in order of length, or `None` if there are more than
    /// `limit` (in particular if the language is infinite).
    pub(crate) fn enumerate(&self, limit: usize) -> Option<Vec<Vec<u8>>> {
        let live = self.live();
        let sets = self.class_sets();
        let is_live = |s: u32| live.get(s as usize).copied().unwrap_or(false);
        let mut words = Vec::new();
        let mut queue = VecDeque::new();
        if is_live(self.start) {
            queue.push_back((self.start, Vec::new()));
        }
        // Every queued prefix extends to a word, so an infinite language overflows
        // `limit` eventually and the loop ends.
        while let Some((s, word)) = queue.pop_front() {
            if self.accepts(s) {
                if words.len() == limit {
                    return None;
                }
                words.push(word.clone());
            }
            for (c, set) in sets.iter().enumerate() {
                let t = self.next(s, c as u8);
                if !is_live(t) {
                    continue;
                }
                for b in set.iter() {
                    let mut w = word.clone();
                    w.push(b);
                    queue.push_back((t, w));
                }
            }
            if queue.len() > limit.saturating_mul(256).max(1 << 16) {
                return None;
            }
        }
        Some(words)
    }

    /// The exact [`Sketch`] of the DFA's language (states reachable from the start and
    /// live only).
    pub(crate) fn sketch(&self) -> Sketch {
        let live = self.live();
        let sets = self.class_sets();
        let is_live = |s: u32| live.get(s as usize).copied().unwrap_or(false);
        if !is_live(self.start) {
            return Sketch::NEVER;
        }
        let mut out = Sketch {
            empty: false,
            nullable: self.accepts(self.start),
            first: ByteSet::EMPTY,
            alphabet: ByteSet::EMPTY,
        };
        let mut seen = vec![false; self.accept.len()];
        let mut stack = vec![self.start];
        while let Some(s) = stack.pop() {
            match seen.get_mut(s as usize) {
                Some(v) if !*v => *v = true,
                _ => continue,
            }
            for (c, set) in sets.iter().enumerate() {
                let t = self.next(s, c as u8);
                if is_live(t) {
                    if s == self.start {
                        out.first = out.first.or(*set);
                    }
                    out.alphabet = out.alphabet.or(*set);
                    stack.push(t);
                }
            }
        }
        out
    }

    /// The set of bytes in each class.
    pub(crate) fn class_sets(&self) -> Vec<ByteSet> {
        let mut sets = vec![ByteSet::EMPTY; self.nclasses];
        for b in 0..=255u8 {
            if let Some(s) = sets.get_mut(usize::from(self.classes[usize::from(b)])) {
                s.insert(b);
            }
        }
        sets
    }

    /// For each state, whether an accepting state is reachable from it.
    pub(crate) fn live(&self) -> Vec<bool> {
        let n = self.accept.len();
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
        for s in 0..n {
            for c in 0..self.nclasses {
                let t = self.next(s as u32, c as u8) as usize;
                if let Some(p) = preds.get_mut(t) {
                    p.push(s as u32);
                }
            }
        }
        let mut live = self.accept.clone();
        let mut stack: Vec<u32> = (0..n as u32).filter(|&s| self.accepts(s)).collect();
        while let Some(s) = stack.pop() {
            for &p in preds.get(s as usize).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(l) = live.get_mut(p as usize)
                    && !*l
                {
                    *l = true;
                    stack.push(p);
                }
            }
        }
        live
    }
}

/// The product of two DFAs, accepting where `op(accepted by a, accepted by b)` holds.
pub(crate) fn product(a: &Dfa, b: &Dfa, op: fn(bool, bool) -> bool) -> Result<Dfa, usize> {
    // Joint byte classes: bytes that both automata treat alike.
    let mut joint: HashMap<(u8, u8), u8> = HashMap::default();
    let mut classes = [0u8; 256];
    let mut reps: Vec<(u8, u8)> = Vec::new();
    for (slot, key) in classes
        .iter_mut()
        .zip(a.classes.iter().zip(b.classes.iter()))
    {
        let key = (*key.0, *key.1);
        let next = joint.len() as u8;
        *slot = *joint.entry(key).or_insert_with(|| {
            reps.push(key);
            next
        });
    }
    let nclasses = reps.len();
    let mut index: HashMap<(u32, u32), u32> = HashMap::default();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut queue = VecDeque::new();
    index.insert((a.start, b.start), 0);
    pairs.push((a.start, b.start));
    queue.push_back(0u32);
    let mut trans = Vec::new();
    while let Some(s) = queue.pop_front() {
        let Some(&(sa, sb)) = pairs.get(s as usize) else {
            break;
        };
        for &(ca, cb) in &reps {
            let pair = (a.next(sa, ca), b.next(sb, cb));
            let id = match index.get(&pair) {
                Some(&id) => id,
                None => {
                    if pairs.len() >= STATE_LIMIT {
                        return Err(STATE_LIMIT);
                    }
                    let id = pairs.len() as u32;
                    index.insert(pair, id);
                    pairs.push(pair);
                    queue.push_back(id);
                    id
                }
            };
            trans.push(id);
        }
    }
    let accept = pairs
        .iter()
        .map(|&(sa, sb)| op(a.accepts(sa), b.accepts(sb)))
        .collect();
    Ok(Dfa {
        classes,
        nclasses,
        trans,
        accept,
        start: 0,
    })
}

/// Whether some word leads `a` and `b` to states whose acceptance satisfies `op`: a search
/// of the product that stops at the first such pair, without building the product.
pub(crate) fn product_accepts(a: &Dfa, b: &Dfa, op: fn(bool, bool) -> bool) -> Result<bool, usize> {
    let reps: Vec<(u8, u8)> = ambig::reps(&[a, b])
        .into_iter()
        .map(|x| (a.classes[usize::from(x)], b.classes[usize::from(x)]))
        .collect();
    let n_b = b.accept.len() as u32;
    let mut seen: ambig::Index<(u32, u32)> = ambig::Index::new(a.accept.len() * n_b as usize, n_b);
    let mut count = 1;
    let mut stack = vec![(a.start, b.start)];
    seen.insert((a.start, b.start), 0);
    while let Some((sa, sb)) = stack.pop() {
        if op(a.accepts(sa), b.accepts(sb)) {
            return Ok(true);
        }
        for &(ca, cb) in &reps {
            let pair = (a.next(sa, ca), b.next(sb, cb));
            if seen.insert(pair, 0) {
                count += 1;
                if count > STATE_LIMIT {
                    return Err(STATE_LIMIT);
                }
                stack.push(pair);
            }
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::Dfa;
    use super::lazy::LazyDfa;
    use crate::rx::Regex;

    /// The number of states of the minimal DFA, by Moore's refinement (the obvious way).
    fn moore_states(d: &Dfa) -> usize {
        let n = d.accept.len();
        let mut block: Vec<usize> = d.accept.iter().map(|&a| usize::from(a)).collect();
        let mut count = 0;
        loop {
            let mut sigs: Vec<Vec<usize>> = (0..n)
                .map(|s| {
                    let mut sig = vec![block[s]];
                    sig.extend((0..d.nclasses).map(|c| block[d.next(s as u32, c as u8) as usize]));
                    sig
                })
                .collect();
            let mut distinct = sigs.clone();
            distinct.sort();
            distinct.dedup();
            for (s, sig) in sigs.iter_mut().enumerate() {
                block[s] = distinct.binary_search(sig).unwrap_or(0);
            }
            if distinct.len() == count {
                return count;
            }
            count = distinct.len();
        }
    }

    fn accepts(d: &Dfa, w: &[u8]) -> bool {
        let mut s = d.start;
        for &b in w {
            s = d.next(s, d.classes[usize::from(b)]);
        }
        d.accepts(s)
    }

    proptest::proptest! {
        /// Hopcroft's minimisation gives as many states as Moore's, and the same language.
        #[test]
        fn minimize_is_minimal_and_equivalent(pattern in "[abc()|*?+.]{1,14}") {
            let Ok(r) = Regex::parse(&pattern, false) else { return Ok(()) };
            let Ok(full) = LazyDfa::subset_construction(r.nfa().clone()) else { return Ok(()) };
            let min = full.minimize();
            proptest::prop_assert_eq!(min.accept.len(), moore_states(&full));
            let mut words: Vec<Vec<u8>> = vec![Vec::new()];
            for _ in 0..5 {
                let longer: Vec<Vec<u8>> = words
                    .iter()
                    .filter(|w| w.len() == words.last().map_or(0, Vec::len))
                    .flat_map(|w| b"abcd".iter().map(move |&b| [w.as_slice(), &[b]].concat()))
                    .collect();
                words.extend(longer);
            }
            for w in &words {
                proptest::prop_assert_eq!(accepts(&min, w), accepts(&full, w), "{:?}", w);
            }
        }

        /// A sketch read off the expression over-approximates the language's exact one
        /// (read off its DFA), also through set operations (explicit DFA nodes).
        #[test]
        fn sketches_over_approximate(
            pattern in "[abc()|*?+.]{1,14}",
            other in "[ab()|*?]{1,6}",
            minus in proptest::bool::ANY,
        ) {
            let Ok(mut r) = Regex::parse(&pattern, false) else { return Ok(()) };
            if minus {
                let Ok(o) = Regex::parse(&other, false) else { return Ok(()) };
                let Ok(m) = r.minus(&o) else { return Ok(()) };
                r = Regex::parse("c", false).unwrap().concat(&m);
            }
            let Ok(full) = LazyDfa::subset_construction(r.nfa().clone()) else { return Ok(()) };
            let exact = full.sketch();
            let sk = r.sketch();
            proptest::prop_assert!(!sk.empty || exact.empty, "{pattern}: {sk:?} {exact:?}");
            proptest::prop_assert!(sk.nullable || !exact.nullable, "{pattern}");
            proptest::prop_assert_eq!(sk.first.or(exact.first), sk.first, "{}", pattern);
            proptest::prop_assert_eq!(sk.alphabet.or(exact.alphabet), sk.alphabet, "{}", pattern);
            if !exact.empty {
                proptest::prop_assert_eq!(sk.nullable, exact.nullable, "{}", pattern);
            }
        }
    }
}
