//! Thompson NFAs over bytes: compilation from the expression tree, reversal, liveness,
//! emptiness and shortest examples.

use smallvec::SmallVec;
use std::collections::VecDeque;

use super::{ByteSet, Dfa, Node, reserved_bytes};

/// One NFA state while an automaton is built: its ε-successors and its byte transitions.
#[derive(Debug, Default, Clone)]
pub(crate) struct NState {
    pub(crate) eps: Edges<u32>,
    pub(crate) bytes: Edges<(ByteSet, u32)>,
}

/// A list of edges that keeps up to two inline: a Thompson state has one or two, so
/// building an automaton allocates per state only for the few with more.
pub(crate) type Edges<T> = SmallVec<[T; 2]>;

/// A Thompson NFA with one start and one accepting state, its edges stored flat (one
/// array of offsets per kind of edge): a state costs a few bytes instead of two inline
/// edge lists, which matters because every regexp keeps its automata.
#[derive(Debug, Clone)]
pub(crate) struct Nfa {
    /// State `s`'s ε-successors are `eps[eps_at[s]..eps_at[s + 1]]`.
    eps_at: Vec<u32>,
    eps: Vec<u32>,
    /// State `s`'s byte transitions are `bytes[bytes_at[s]..bytes_at[s + 1]]`.
    bytes_at: Vec<u32>,
    bytes: Vec<(ByteSet, u32)>,
    pub(crate) start: u32,
    pub(crate) accept: u32,
    /// Whether the accepting state is reachable from each state.
    pub(crate) live: Vec<bool>,
    /// Whether the expression had a line anchor, compiled as the empty word.
    pub(crate) anchored: bool,
}

impl Nfa {
    /// Compiles an expression tree. An expression whose automaton would pass
    /// [`NFA_STATE_LIMIT`] states compiles to the empty language instead (so matching
    /// fails, rather than the process running out of memory).
    pub(crate) fn compile(node: &Node) -> Nfa {
        let mut b = Builder::default();
        let (start, accept) = b.build(node, ByteSet::FULL);
        b.finish(start, accept)
    }

    /// Compiles an expression tree for set operations: line anchors are the literal
    /// bytes `^` and `$`, as libfa reads them.
    pub(crate) fn compile_literal(node: &Node) -> Nfa {
        let mut b = Builder {
            literal_anchors: true,
            ..Builder::default()
        };
        let (start, accept) = b.build(node, ByteSet::FULL);
        b.finish(start, accept)
    }

    /// An automaton with no word.
    fn nothing() -> Nfa {
        Nfa::finish(vec![NState::default(), NState::default()], 0, 1)
    }

    fn finish(states: Vec<NState>, start: u32, accept: u32) -> Nfa {
        let n = states.len();
        let mut nfa = Nfa {
            eps_at: Vec::with_capacity(n + 1),
            eps: Vec::with_capacity(states.iter().map(|st| st.eps.len()).sum()),
            bytes_at: Vec::with_capacity(n + 1),
            bytes: Vec::with_capacity(states.iter().map(|st| st.bytes.len()).sum()),
            start,
            accept,
            live: Vec::new(),
            anchored: false,
        };
        nfa.eps_at.push(0);
        nfa.bytes_at.push(0);
        for st in &states {
            nfa.eps.extend_from_slice(&st.eps);
            nfa.bytes
                .extend(st.bytes.iter().filter(|(set, _)| !set.is_empty()));
            nfa.eps_at.push(nfa.eps.len() as u32);
            nfa.bytes_at.push(nfa.bytes.len() as u32);
        }
        drop(states);
        nfa.live = nfa.reverse_reachable();
        nfa
    }

    /// The number of states.
    pub(crate) fn len(&self) -> usize {
        self.eps_at.len().saturating_sub(1)
    }

    /// The ε-successors of state `s`.
    pub(crate) fn eps(&self, s: u32) -> &[u32] {
        let s = s as usize;
        match (self.eps_at.get(s), self.eps_at.get(s + 1)) {
            (Some(&a), Some(&b)) => self.eps.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// The byte transitions of state `s` (never with an empty set).
    pub(crate) fn bytes(&self, s: u32) -> &[(ByteSet, u32)] {
        let s = s as usize;
        match (self.bytes_at.get(s), self.bytes_at.get(s + 1)) {
            (Some(&a), Some(&b)) => self.bytes.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }

    /// Every byte transition's set, each once per transition.
    pub(crate) fn all_byte_sets(&self) -> impl Iterator<Item = ByteSet> + '_ {
        self.bytes.iter().map(|&(set, _)| set)
    }

    /// The states `s` has an edge to (ε or bytes).
    fn targets(&self, s: u32) -> impl Iterator<Item = u32> + '_ {
        let bytes = self.bytes(s).iter().map(|&(_, t)| t);
        self.eps(s).iter().copied().chain(bytes)
    }

    /// The states from which `accept` can be reached.
    fn reverse_reachable(&self) -> Vec<bool> {
        // Incoming edges' sources in one flat array (CSR): those of state `t` are
        // `src[off[t]..off[t + 1]]`.
        let n = self.len();
        let mut off = vec![0u32; n + 1];
        for s in 0..n as u32 {
            for t in self.targets(s) {
                if let Some(c) = off.get_mut(t as usize + 1) {
                    *c += 1;
                }
            }
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut fill = off.clone();
        let mut src = vec![0u32; off[n] as usize];
        for s in 0..n as u32 {
            for t in self.targets(s) {
                if let Some(f) = fill.get_mut(t as usize)
                    && let Some(slot) = src.get_mut(*f as usize)
                {
                    *slot = s;
                    *f += 1;
                }
            }
        }
        let mut seen = vec![false; n];
        let mut stack = vec![self.accept];
        while let Some(t) = stack.pop() {
            match seen.get_mut(t as usize) {
                Some(v) if !*v => *v = true,
                _ => continue,
            }
            let (a, b) = (off[t as usize] as usize, off[t as usize + 1] as usize);
            stack.extend_from_slice(src.get(a..b).unwrap_or_default());
        }
        seen
    }

    /// For the parts `r₁ … rₖ` of a concatenation's tail, the NFA of the reversed language
    /// of `r₁⋯rₖ` whose state `marks[i]` is reached, reading a text backwards, exactly when
    /// the text read so far is in `rᵢ₊₁⋯rₖ` (the suffix starting at part `i`). Its
    /// accepting state is `marks[0]`.
    pub(crate) fn reversed_suffixes(parts: &[&Node]) -> (Nfa, Vec<u32>) {
        let mut b = Builder::default();
        let mut marks = Vec::with_capacity(parts.len());
        let mut cur = b.state();
        for part in parts {
            marks.push(cur);
            let (s, e) = b.build(part, ByteSet::FULL);
            b.eps(cur, s);
            cur = e;
        }
        let start = marks.first().copied().unwrap_or(cur);
        if b.over {
            return (Nfa::nothing(), Vec::new());
        }
        let fwd = Nfa::finish(b.states, start, cur);
        (fwd.reverse(), marks)
    }

    /// The NFA of the union of `alts` whose state `marks[i]` is reached exactly when the
    /// text read so far is in `alts[i]`.
    pub(crate) fn marked_union(alts: &[&Node]) -> (Nfa, Vec<u32>) {
        let mut b = Builder::default();
        let start = b.state();
        let accept = b.state();
        let mut marks = Vec::with_capacity(alts.len());
        for alt in alts {
            let (s, e) = b.build(alt, ByteSet::FULL);
            b.eps(start, s);
            b.eps(e, accept);
            marks.push(e);
        }
        if b.over {
            return (Nfa::nothing(), Vec::new());
        }
        (Nfa::finish(b.states, start, accept), marks)
    }

    /// The NFA of the reversed language.
    pub(crate) fn reverse(&self) -> Nfa {
        let mut states: Vec<NState> = vec![NState::default(); self.len()];
        for s in 0..self.len() as u32 {
            for &t in self.eps(s) {
                if let Some(r) = states.get_mut(t as usize) {
                    r.eps.push(s);
                }
            }
            for &(set, t) in self.bytes(s) {
                if let Some(r) = states.get_mut(t as usize) {
                    r.bytes.push((set, s));
                }
            }
        }
        Nfa::finish(states, self.accept, self.start)
    }

    /// Whether the language is empty.
    pub(crate) fn is_empty(&self) -> bool {
        !self.live.get(self.start as usize).copied().unwrap_or(false)
    }

    /// A shortest word of the language (0-1 BFS: ε edges cost nothing, bytes cost one).
    pub(crate) fn example(&self) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let n = self.len();
        let mut dist = vec![usize::MAX; n];
        let mut pred: Vec<Option<(u32, Option<u8>)>> = vec![None; n];
        let mut dq = VecDeque::new();
        *dist.get_mut(self.start as usize)? = 0;
        dq.push_back(self.start);
        while let Some(s) = dq.pop_front() {
            let d = *dist.get(s as usize)?;
            for &t in self.eps(s) {
                if dist.get(t as usize).is_some_and(|&dt| d < dt) {
                    *dist.get_mut(t as usize)? = d;
                    *pred.get_mut(t as usize)? = Some((s, None));
                    dq.push_front(t);
                }
            }
            for &(set, t) in self.bytes(s) {
                let Some(b) = set.pick() else { continue };
                if dist.get(t as usize).is_some_and(|&dt| d + 1 < dt) {
                    *dist.get_mut(t as usize)? = d + 1;
                    *pred.get_mut(t as usize)? = Some((s, Some(b)));
                    dq.push_back(t);
                }
            }
        }
        let mut word = Vec::new();
        let mut s = self.accept;
        // The predecessors form a shortest-path tree; the bound only guards termination.
        for _ in 0..n {
            if s == self.start {
                break;
            }
            let (p, b) = (*pred.get(s as usize)?)?;
            word.extend(b);
            s = p;
        }
        word.reverse();
        Some(word)
    }
}

/// The most states an automaton may have (about 1.2 GB): past it, compilation gives up.
/// Unfolded recursive lenses (Shellvars) can otherwise describe automata of tens of GB;
/// the biggest the stock test suite needs has about 4 million states.
pub(crate) const NFA_STATE_LIMIT: usize = if cfg!(test) { 100_000 } else { 8_000_000 };

#[derive(Default)]
struct Builder {
    states: Vec<NState>,
    /// Set once the automaton passed [`NFA_STATE_LIMIT`]: building stops.
    over: bool,
    /// Line anchors as literal bytes (set operations) rather than the empty word.
    literal_anchors: bool,
    /// Whether a line anchor was compiled as the empty word.
    anchored: bool,
}

impl Builder {
    fn state(&mut self) -> u32 {
        if self.states.len() >= NFA_STATE_LIMIT {
            self.over = true;
            return 0;
        }
        self.states.push(NState::default());
        (self.states.len() - 1) as u32
    }

    fn finish(self, start: u32, accept: u32) -> Nfa {
        if self.over {
            return Nfa::nothing();
        }
        let mut nfa = Nfa::finish(self.states, start, accept);
        nfa.anchored = self.anchored;
        nfa
    }

    fn eps(&mut self, from: u32, to: u32) {
        if let Some(s) = self.states.get_mut(from as usize) {
            s.eps.push(to);
        }
    }

    fn byte(&mut self, from: u32, set: ByteSet, to: u32) {
        if set.is_empty() {
            return;
        }
        if let Some(s) = self.states.get_mut(from as usize) {
            s.bytes.push((set, to));
        }
    }

    /// Builds a fragment for `node` with every byte set restricted to `mask`, and returns
    /// its entry and exit states. The exit has no outgoing edges.
    fn build(&mut self, node: &Node, mask: ByteSet) -> (u32, u32) {
        if self.over {
            return (0, 0);
        }
        match node {
            Node::Never => (self.state(), self.state()),
            Node::Eps => {
                let s = self.state();
                (s, s)
            }
            Node::Set(set) => {
                let (s, e) = (self.state(), self.state());
                self.byte(s, set.and(mask), e);
                (s, e)
            }
            Node::Concat(items) => {
                let entry = self.state();
                let mut cur = entry;
                for item in items {
                    let (s, e) = self.build(item, mask);
                    self.eps(cur, s);
                    cur = e;
                }
                (entry, cur)
            }
            Node::Alt(items) => {
                let (s, e) = (self.state(), self.state());
                for item in items {
                    let (is, ie) = self.build(item, mask);
                    self.eps(s, is);
                    self.eps(ie, e);
                }
                (s, e)
            }
            Node::Repeat(sub, min, max) => {
                let entry = self.state();
                let mut cur = entry;
                for _ in 0..*min {
                    let (s, e) = self.build(sub, mask);
                    self.eps(cur, s);
                    cur = e;
                }
                match max {
                    None => {
                        let (s, e) = self.build(sub, mask);
                        let exit = self.state();
                        self.eps(cur, s);
                        self.eps(cur, exit);
                        self.eps(e, s);
                        self.eps(e, exit);
                        (entry, exit)
                    }
                    Some(max) => {
                        let exit = self.state();
                        for _ in *min..*max {
                            let (s, e) = self.build(sub, mask);
                            self.eps(cur, s);
                            self.eps(cur, exit);
                            cur = e;
                        }
                        self.eps(cur, exit);
                        (entry, exit)
                    }
                }
            }
            Node::Restrict(sub) => self.build(sub, mask.and(reserved_bytes().not())),
            Node::Text(_, sub) => self.build(sub, mask),
            Node::Anchor(c) if self.literal_anchors => {
                let (s, e) = (self.state(), self.state());
                self.byte(s, ByteSet::single(*c).and(mask), e);
                (s, e)
            }
            Node::Anchor(_) => {
                self.anchored = true;
                let s = self.state();
                (s, s)
            }
            Node::Dfa(dfa) => self.embed(dfa, mask),
        }
    }

    /// Embeds an explicit DFA, keeping only its live states.
    fn embed(&mut self, dfa: &Dfa, mask: ByteSet) -> (u32, u32) {
        let live = dfa.live();
        let sets = dfa.class_sets();
        let base = self.states.len() as u32;
        for _ in 0..dfa.accept.len() {
            self.state();
        }
        let exit = self.state();
        for s in 0..dfa.accept.len() {
            if !live.get(s).copied().unwrap_or(false) {
                continue;
            }
            let from = base + s as u32;
            if dfa.accept.get(s).copied().unwrap_or(false) {
                self.eps(from, exit);
            }
            // Group the classes by target so each target gets one edge.
            let mut by_target: Vec<(u32, ByteSet)> = Vec::new();
            for (c, set) in sets.iter().enumerate() {
                let t = dfa.next(s as u32, c as u8);
                if !live.get(t as usize).copied().unwrap_or(false) {
                    continue;
                }
                match by_target.iter_mut().find(|(tt, _)| *tt == t) {
                    Some((_, acc)) => *acc = acc.or(*set),
                    None => by_target.push((t, *set)),
                }
            }
            for (t, set) in by_target {
                self.byte(from, set.and(mask), base + t);
            }
        }
        (base + dfa.start, exit)
    }
}

#[cfg(test)]
mod tests {
    use crate::rx::Regex;

    #[test]
    fn automata_past_the_state_limit_match_nothing() {
        // 200 × 1,000 copies of `a`: more states than the (test-sized) limit.
        let big = Regex::parse("((a{1000}){200})b", false).unwrap();
        let text = format!("{}b", "a".repeat(200_000));
        assert!(!big.is_match(text.as_bytes()));
        // Under the limit, the same shape matches.
        let small = Regex::parse("((a{100}){20})b", false).unwrap();
        assert!(small.is_match(format!("{}b", "a".repeat(2_000)).as_bytes()));
    }
}
