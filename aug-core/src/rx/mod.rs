//! Regular expressions in Augeas's dialect: the [`Regex`] value type, its combinators,
//! set operations, anchored POSIX-longest matching on bytes, and [`RxError`].
//!
//! ```
//! use aug_core::rx::Regex;
//! let re = Regex::parse("a|ab", false).unwrap();
//! assert_eq!(re.longest_match(b"abc", 0, 3), Some(2)); // POSIX longest, not leftmost-first
//! let word = Regex::parse("[a-z]+", false).unwrap();
//! let ident = word.minus(&Regex::parse("if|then", false).unwrap()).unwrap();
//! assert!(ident.is_match(b"iff") && !ident.is_match(b"if"));
//! ```
//!
//! # Dialect
//! The dialect is libfa's, checked against GNU regcomp's syntax rules as Augeas uses them
//! (see `/work/shared/reference/lens-language.md` §5):
//! - `|`, concatenation, `*`, `+`, `?`, `{n}`, `{n,}` and `{n,m}` (not `{,m}`, which Augeas
//!   rejects), groups; `()` and
//!   empty alternatives such as `(|a)` denote ε. A repetition may be followed by `?` or
//!   `+` (`a*?` is `(a*)?`) but not by `*` or `{` (`a**` is an error, as in GNU).
//! - `.` is any byte but `\n`; `[^…]` does match `\n`.
//! - In brackets, `]` first is literal, `[` and `\` are literal, `-` first or last is
//!   literal; reversed ranges and chained ranges (`[a-c-e]`) are errors.
//! - Outside brackets `\x` is the literal `x` for every `x`: `\d` is `d` and `\n` is `n`.
//!   This is what libfa and GNU do; the `.aug` lexer has already turned `\n` and `\t` in
//!   a `/…/` literal into real bytes (augparse: `/a\nb/` matches a newline, `/a\\nb/`
//!   matches `anb`).
//! - `^` and `$` are literal bytes, as libfa treats them. GNU's context-dependent line
//!   anchors (`^` first in a branch, `$` last) are not implemented yet.
//! - `nocase` is GNU `REG_ICASE` in the C locale: the pattern's bytes are lower-cased
//!   (a `[^…]` set is negated after lower-casing) and an input byte matches when its
//!   lower-case form does, so `/[^a]/i` matches neither `a` nor `A`.
//!
//! # Limits
//! Matching uses a lazily built DFA whose cache is cleared after 10,000 states, so it
//! never fails and stays linear in the scanned text. Set operations ([`Regex::minus`],
//! [`Regex::intersect`], [`Regex::equals`], [`Regex::contains`], the ambiguity checks)
//! build explicit DFAs and fail with [`RxError::TooComplex`] beyond 20,000 states.
//! Repetition counts are limited to 1,000.

mod parse;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use crate::fa::lazy::LazyDfa;
use crate::fa::nfa::Nfa;
use crate::fa::{ByteSet, Dfa, Node, Sketch, ambig, product, product_accepts};

/// An error from parsing a regexp or from an automaton operation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RxError {
    /// The pattern is not a valid regexp.
    #[error("invalid regexp /{pattern}/ at byte {pos}: {message}")]
    Syntax {
        /// The pattern as given.
        pattern: String,
        /// The 0-based byte offset of the problem in the pattern.
        pos: usize,
        /// What is wrong, in GNU regcomp's words where it has them.
        message: &'static str,
    },
    /// An automaton operation needed more states than the limit allows.
    #[error("regexp operation on {regex} is too complex: more than {limit} automaton states")]
    TooComplex {
        /// The regexp (or combination) being processed.
        regex: String,
        /// The state limit that was hit.
        limit: usize,
    },
}

/// A regular language over bytes, written in Augeas's regexp dialect or built from other
/// regexps. Cloning is cheap, and a `Regex` can be shared between threads: the automata
/// are built on first use and cached inside.
#[derive(Clone)]
pub struct Regex(Arc<Inner>);

struct Inner {
    node: Arc<Node>,
    /// Written with the `/…/i` flag (square compares its ends case-insensitively then).
    nocase: bool,
    nfa: OnceLock<Arc<Nfa>>,
    fwd: OnceLock<Box<Mutex<LazyDfa>>>,
    rev: OnceLock<Box<Mutex<LazyDfa>>>,
    dfa: OnceLock<Result<Arc<Dfa>, usize>>,
    sketch: OnceLock<Sketch>,
    simple: OnceLock<Option<Simple>>,
    fixed: OnceLock<Option<usize>>,
}

/// A language simple enough to match without an automaton: most leaves of a lens
/// (`del /[ \t]+/`, `key "rotate"`, `store /[0-9]+/`) and many small subtrees
/// (`[^:\n]*:`, `[ \t]*#[ \t]*`). A sequence of items, each one byte of a set or a run
/// of bytes of a set, where every run is followed by nothing or by an item that needs a
/// byte the run cannot take: each text then has at most one reading, found greedily.
#[derive(Debug)]
struct Simple(Vec<Item>);

/// One item of a [`Simple`] language: one byte of `set`, or (`run`) at least `min` bytes
/// of it.
#[derive(Debug, Clone, Copy)]
struct Item {
    set: ByteSet,
    run: bool,
    min: u32,
}

impl Item {
    fn one(set: ByteSet) -> Item {
        Item {
            set,
            run: false,
            min: 1,
        }
    }

    fn run(set: ByteSet, min: u32) -> Item {
        Item {
            set,
            run: true,
            min,
        }
    }

    /// How many bytes it takes at the start of `t`, if it matches there.
    #[inline]
    fn take(&self, t: &[u8]) -> Option<usize> {
        if self.run {
            let n = t.iter().take_while(|&&b| self.set.contains(b)).count();
            (n >= self.min as usize).then_some(n)
        } else {
            t.first()
                .is_some_and(|&b| self.set.contains(b))
                .then_some(1)
        }
    }
}

/// The most items a [`Simple`] language is made of (longer literals use the automaton).
const SIMPLE_ITEMS: usize = 64;

impl Simple {
    fn of(node: &Node) -> Option<Simple> {
        let mut items = Vec::new();
        Simple::flatten(node, &mut items)?;
        // A run followed by an item that may be empty or may start with a byte of the run
        // could end in more than one place.
        for w in items.windows(2) {
            if let [a, b] = w
                && a.run
                && ((b.run && b.min == 0) || !a.set.and(b.set).is_empty())
            {
                return None;
            }
        }
        Some(Simple(items))
    }

    /// Appends the items of `node` to `out`; `None` when it is not of that shape.
    fn flatten(node: &Node, out: &mut Vec<Item>) -> Option<()> {
        match node {
            Node::Text(_, inner) => Simple::flatten(inner, out)?,
            Node::Eps => {}
            Node::Set(s) => out.push(Item::one(*s)),
            Node::Concat(parts) => {
                for p in parts {
                    Simple::flatten(p, out)?;
                }
            }
            Node::Repeat(body, min, max) => {
                let mut inner = Vec::new();
                Simple::flatten(body, &mut inner)?;
                match (inner.as_slice(), *max) {
                    // `s*`, `s+`, `s{n,}`
                    ([i], None) if !i.run => out.push(Item::run(i.set, *min)),
                    // `(s*)?`, `(s+)?`
                    ([i], Some(1)) if *min == 0 && i.run && i.min <= 1 => {
                        out.push(Item::run(i.set, 0));
                    }
                    // `x{n}`
                    (_, Some(m)) if m == *min => {
                        let n = usize::try_from(m).ok()?;
                        if inner.len().checked_mul(n)? > SIMPLE_ITEMS {
                            return None;
                        }
                        for _ in 0..n {
                            out.extend_from_slice(&inner);
                        }
                    }
                    _ => return None,
                }
            }
            // `x|` and `|x`, as `x?`.
            Node::Alt(alts) => match alts.as_slice() {
                [a, b] if matches!(b.as_ref(), Node::Eps) => {
                    Simple::flatten(&Node::Repeat(a.clone(), 0, Some(1)), out)?;
                }
                [a, b] if matches!(a.as_ref(), Node::Eps) => {
                    Simple::flatten(&Node::Repeat(b.clone(), 0, Some(1)), out)?;
                }
                _ => return None,
            },
            _ => return None,
        }
        (out.len() <= SIMPLE_ITEMS).then_some(())
    }

    /// Reads `items` greedily from the start of `t`: where they end, or `None` if `t`
    /// does not start with them.
    #[inline]
    fn walk(items: &[Item], t: &[u8]) -> Option<usize> {
        let mut at = 0;
        for it in items {
            at += it.take(t.get(at..).unwrap_or_default())?;
        }
        Some(at)
    }

    /// Whether the whole of `t` is in the language.
    fn is_match(&self, t: &[u8]) -> bool {
        match self.0.as_slice() {
            // The commonest leaf, without the general walk.
            [run] if run.run => {
                t.len() >= run.min as usize && t.iter().all(|&b| run.set.contains(b))
            }
            items => Simple::walk(items, t) == Some(t.len()),
        }
    }

    /// The longest prefix of `t` in the language (its only reading, a last run taking
    /// all it can).
    fn longest(&self, t: &[u8]) -> Option<usize> {
        Simple::walk(&self.0, t)
    }

    /// [`Regex::for_each_match_end`]: one end, or every length a last run can take.
    fn for_each_match_end(&self, t: &[u8], mut f: impl FnMut(usize)) {
        match self.0.split_last() {
            Some((last, before)) if last.run => {
                let Some(at) = Simple::walk(before, t) else {
                    return;
                };
                let n = t
                    .get(at..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|&&b| last.set.contains(b))
                    .count();
                for k in last.min as usize..=n {
                    f(at + k);
                }
            }
            _ => {
                if let Some(n) = self.longest(t) {
                    f(n);
                }
            }
        }
    }
}

/// A counterexample to unambiguity: the word `u·p·v` splits both as `u | p·v` and as
/// `u·p | v`, with `p` non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbiguityWitness {
    /// The common prefix, in the left language both alone and followed by `p`.
    pub u: Vec<u8>,
    /// The non-empty middle part that either side can take.
    pub p: Vec<u8>,
    /// The common suffix, in the right language both alone and preceded by `p`.
    pub v: Vec<u8>,
}

impl fmt::Display for AmbiguityWitness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |b: &[u8]| escape(&String::from_utf8_lossy(b));
        let (u, p, v) = (s(&self.u), s(&self.p), s(&self.v));
        write!(
            f,
            "'{u}{p}{v}' can be split into '{u}|={p}{v}' and '{u}{p}|={v}'"
        )
    }
}

impl Regex {
    fn from_node(node: Node) -> Regex {
        Regex::from_node_nocase(node, false)
    }

    fn from_node_nocase(node: Node, nocase: bool) -> Regex {
        Regex(Arc::new(Inner {
            node: Arc::new(node),
            nocase,
            nfa: OnceLock::new(),
            fwd: OnceLock::new(),
            rev: OnceLock::new(),
            dfa: OnceLock::new(),
            sketch: OnceLock::new(),
            simple: OnceLock::new(),
            fixed: OnceLock::new(),
        }))
    }

    /// Parses `pattern` in Augeas's dialect; `nocase` is the `/…/i` flag.
    pub fn parse(pattern: &str, nocase: bool) -> Result<Regex, RxError> {
        let node = parse::parse(pattern, nocase)?;
        Ok(Regex::from_node_nocase(
            Node::Text(pattern.into(), Arc::new(node)),
            nocase,
        ))
    }

    /// Whether the regexp was parsed with the `/…/i` flag (or is a difference whose left
    /// side was).
    pub fn is_nocase(&self) -> bool {
        self.0.nocase
    }

    /// The regexp matching exactly `s` (Augeas's string-to-regexp coercion).
    pub fn literal(s: &str) -> Regex {
        let items = s
            .bytes()
            .map(|b| Arc::new(Node::Set(ByteSet::single(b))))
            .collect();
        let mut text = String::new();
        for c in s.chars() {
            if "\\.[]()*+?{}|^$".contains(c) {
                text.push('\\');
            }
            text.push(c);
        }
        let text = if text.is_empty() { "()".into() } else { text };
        Regex::from_node(Node::Text(text.into(), Arc::new(Node::Concat(items))))
    }

    /// The regexp matching only the empty string.
    pub fn epsilon() -> Regex {
        // One shared value: every label, value and most lenses' tree type is ε.
        static EPS: OnceLock<Regex> = OnceLock::new();
        EPS.get_or_init(|| Regex::from_node(Node::Eps)).clone()
    }

    /// The regexp matching nothing at all.
    pub fn never() -> Regex {
        Regex::from_node(Node::Never)
    }

    /// The concatenation `self·other`.
    pub fn concat(&self, other: &Regex) -> Regex {
        Regex::from_node(Node::Concat(vec![self.node(), other.node()]))
    }

    /// The union `self|other`.
    pub fn union(&self, other: &Regex) -> Regex {
        Regex::from_node(Node::Alt(vec![self.node(), other.node()]))
    }

    /// Zero or more repetitions, `self*`.
    pub fn star(&self) -> Regex {
        Regex::from_node(Node::Repeat(self.node(), 0, None))
    }

    /// One or more repetitions, `self+`.
    pub fn plus(&self) -> Regex {
        Regex::from_node(Node::Repeat(self.node(), 1, None))
    }

    /// Zero or one occurrence, `self?`.
    pub fn opt(&self) -> Regex {
        Regex::from_node(Node::Repeat(self.node(), 0, Some(1)))
    }

    /// The words of `self` that contain none of the bytes `\001`–`\004`, which the tree
    /// encoding reserves (libfa's `fa_restrict_alphabet`).
    pub fn restrict(&self) -> Regex {
        Regex::from_node(Node::Restrict(self.node()))
    }

    /// The language difference `self - other`, as an automaton-backed regexp.
    pub fn minus(&self, other: &Regex) -> Result<Regex, RxError> {
        let d = self.product(other, |a, b| a && !b)?;
        let text = format!("({self})-({other})");
        // `/a/i - /b/i` is still a case-insensitive regexp for square's comparison.
        Ok(Regex::from_node_nocase(
            Node::Text(text.into(), Arc::new(Node::Dfa(Arc::new(d)))),
            self.0.nocase,
        ))
    }

    /// The intersection of the two languages, as an automaton-backed regexp.
    pub fn intersect(&self, other: &Regex) -> Result<Regex, RxError> {
        let d = self.product(other, |a, b| a && b)?;
        let text = format!("({self})&({other})");
        Ok(Regex::from_node(Node::Text(
            text.into(),
            Arc::new(Node::Dfa(Arc::new(d))),
        )))
    }

    /// Whether the language is empty.
    pub fn is_empty(&self) -> bool {
        self.nfa().is_empty()
    }

    /// Whether the empty string is in the language.
    pub fn matches_empty(&self) -> bool {
        self.fwd().accepts_empty()
    }

    /// A shortest word of the language, preferring printable bytes; `None` if it is empty.
    pub fn example(&self) -> Option<Vec<u8>> {
        self.nfa().example()
    }

    /// Whether both regexps denote the same language.
    pub fn equals(&self, other: &Regex) -> Result<bool, RxError> {
        Ok(!self.product_accepts(other, |a, b| a != b)?)
    }

    /// Whether every word of `other` is in `self`.
    pub fn contains(&self, other: &Regex) -> Result<bool, RxError> {
        Ok(!other.product_accepts(self, |a, b| a && !b)?)
    }

    /// Whether no word is in both languages (cheaper than [`Regex::intersect`]: the
    /// product is searched, not built).
    pub fn is_disjoint(&self, other: &Regex) -> Result<bool, RxError> {
        Ok(!self.product_accepts(other, |a, b| a && b)?)
    }

    fn product_accepts(&self, other: &Regex, op: fn(bool, bool) -> bool) -> Result<bool, RxError> {
        product_accepts(&*self.dfa()?, &*other.dfa()?, op).map_err(|limit| self.too_complex(limit))
    }

    /// The words of the language, shortest first, or `None` if there are more than
    /// `limit` of them (libfa's `fa_enumerate`, which `square` uses).
    pub fn enumerate(&self, limit: usize) -> Result<Option<Vec<Vec<u8>>>, RxError> {
        Ok(self.dfa()?.enumerate(limit))
    }

    /// Whether the whole of `text` is in the language.
    pub fn is_match(&self, text: &[u8]) -> bool {
        match self.simple() {
            Some(simple) => simple.is_match(text),
            None => self.fwd().full_match(text),
        }
    }

    /// The language as a [`Simple`] one, if it is.
    fn simple(&self) -> Option<&Simple> {
        self.0
            .simple
            .get_or_init(|| Simple::of(&self.0.node))
            .as_ref()
    }

    /// Whether `text[start..end]` is in the language; false if the range is out of bounds.
    pub fn matches_span(&self, text: &[u8], start: usize, end: usize) -> bool {
        text.get(start..end).is_some_and(|t| self.is_match(t))
    }

    /// The largest `p ≤ end` with `text[start..p]` in the language (an anchored POSIX
    /// longest match, as Augeas's `re_match`). The scan stops at the first dead state.
    pub fn longest_match(&self, text: &[u8], start: usize, end: usize) -> Option<usize> {
        let t = text.get(start..end)?;
        if let Some(simple) = self.simple() {
            return simple.longest(t).map(|n| start + n);
        }
        let mut best = None;
        self.fwd()
            .scan(t.iter().copied(), |n| best = Some(start + n));
        best
    }

    /// How far from `start` (up to `end`) the text stays a prefix of some word of the
    /// language: the position where matching fails. Used to point parse errors at the
    /// first byte that cannot belong to the match.
    pub fn viable_prefix(&self, text: &[u8], start: usize, end: usize) -> usize {
        match text.get(start..end) {
            Some(t) => start + self.fwd().scan(t.iter().copied(), |_| {}),
            None => start,
        }
    }

    /// Every `p` in `start..=end` with `text[start..p]` in the language, ascending.
    pub fn match_ends(&self, text: &[u8], start: usize, end: usize) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(t) = text.get(start..end) {
            self.fwd().scan(t.iter().copied(), |n| out.push(start + n));
        }
        out
    }

    /// Calls `f(p)` for every `p` in `[start, end]` with `text[start..p]` in the language,
    /// in ascending order, without allocating. Stops as soon as the automaton dies.
    pub fn for_each_match_end(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        mut f: impl FnMut(usize),
    ) {
        if let Some(t) = text.get(start..end) {
            match self.simple() {
                Some(simple) => simple.for_each_match_end(t, |n| f(start + n)),
                None => {
                    self.fwd().scan(t.iter().copied(), |n| f(start + n));
                }
            }
        }
    }

    /// Calls `f(p)` for every `p` in `[start, end]` with `text[p..end]` in the language, in
    /// descending order, without allocating. Scans backwards from `end` and stops as soon
    /// as the reverse automaton dies.
    pub fn for_each_match_start(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        mut f: impl FnMut(usize),
    ) {
        if let Some(t) = text.get(start..end) {
            self.rev().scan(t.iter().rev().copied(), |n| f(end - n));
        }
    }

    /// Every `p` in `start..=end` with `text[p..end]` in the language, ascending. Scans
    /// backwards from `end` with the reverse automaton, stopping at its first dead state.
    pub fn match_starts(&self, text: &[u8], start: usize, end: usize) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(t) = text.get(start..end) {
            self.rev()
                .scan(t.iter().rev().copied(), |n| out.push(end - n));
        }
        out.reverse();
        out
    }

    /// The length of every word, when the expression shows they all have the same one
    /// (computed once, no automaton; `None` when unsure).
    pub(crate) fn fixed_len(&self) -> Option<usize> {
        *self.0.fixed.get_or_init(|| self.0.node.fixed_len())
    }

    /// What the expression alone says about the language (computed once, no automaton).
    pub(crate) fn sketch(&self) -> Sketch {
        *self.0.sketch.get_or_init(|| self.0.node.sketch())
    }

    /// Whether no word of the language continues, through a byte of `follow`, into a longer
    /// prefix of a word (then a longest match is never cut short by what follows).
    /// `false` when the regexp is too big to analyse cheaply.
    pub(crate) fn stops_before(&self, follow: ByteSet) -> bool {
        // No word even contains a byte of `follow`: nothing to build.
        if self.sketch().alphabet.and(follow).is_empty() {
            return true;
        }
        // The DFA of set operations reads anchors literally, not as matching does.
        if self.nfa().len() > GREEDY_NFA_LIMIT || self.nfa().anchored {
            return false;
        }
        let Ok(d) = self.dfa() else {
            return false;
        };
        let live = d.live();
        let sets = d.class_sets();
        (0..d.accept.len())
            .filter(|&s| d.accepts(s as u32))
            .all(|s| {
                sets.iter().enumerate().all(|(c, set)| {
                    set.and(follow).is_empty()
                        || !live
                            .get(d.next(s as u32, c as u8) as usize)
                            .copied()
                            .unwrap_or(false)
                })
            })
    }

    /// Whether `self·other` is ambiguous, i.e. some word splits in two ways; returns a
    /// witness if so (Møller's criterion, as libfa's `fa_ambig_example`).
    pub fn ambiguous_concat(&self, other: &Regex) -> Result<Option<AmbiguityWitness>, RxError> {
        let (a, b) = (self.dfa()?, other.dfa()?);
        ambig::concat(&a, &b)
            .map(|w| w.map(|(u, p, v)| AmbiguityWitness { u, p, v }))
            .map_err(|limit| self.too_complex(limit))
    }

    /// Whether `self*` is ambiguous (checked as `self·self*`, as Augeas does).
    pub fn ambiguous_iter(&self) -> Result<Option<AmbiguityWitness>, RxError> {
        self.ambiguous_concat(&self.star())
    }

    fn node(&self) -> Arc<Node> {
        self.0.node.clone()
    }

    pub(crate) fn nfa(&self) -> &Arc<Nfa> {
        self.0
            .nfa
            .get_or_init(|| Arc::new(Nfa::compile(&self.0.node)))
    }

    fn fwd(&self) -> MutexGuard<'_, LazyDfa> {
        let m = self
            .0
            .fwd
            .get_or_init(|| Box::new(Mutex::new(LazyDfa::new(self.nfa().clone()))));
        m.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn rev(&self) -> MutexGuard<'_, LazyDfa> {
        let m = self
            .0
            .rev
            .get_or_init(|| Box::new(Mutex::new(LazyDfa::new(Arc::new(self.nfa().reverse())))));
        m.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `text` is in the language as libfa (Augeas's typechecker) reads it: line
    /// anchors are literal bytes there. Matching ([`Regex::is_match`]) reads them as GNU
    /// regex does.
    pub fn is_match_literal(&self, text: &[u8]) -> bool {
        if !self.nfa().anchored {
            return self.is_match(text);
        }
        let Ok(d) = self.dfa() else {
            return false;
        };
        let end = text.iter().fold(d.start, |s, &b| {
            d.next(s, d.classes.get(usize::from(b)).copied().unwrap_or(0))
        });
        d.accepts(end)
    }

    /// The explicit DFA for set operations, where line anchors are literal bytes (as in
    /// libfa); the matching automaton reads them as the empty word.
    fn dfa(&self) -> Result<Arc<Dfa>, RxError> {
        self.0
            .dfa
            .get_or_init(|| {
                let nfa = if self.nfa().anchored {
                    Arc::new(Nfa::compile_literal(&self.0.node))
                } else {
                    self.nfa().clone()
                };
                LazyDfa::materialize(nfa).map(Arc::new)
            })
            .clone()
            .map_err(|limit| self.too_complex(limit))
    }

    fn product(&self, other: &Regex, op: fn(bool, bool) -> bool) -> Result<Dfa, RxError> {
        product(&*self.dfa()?, &*other.dfa()?, op)
            .map(|d| d.minimize())
            .map_err(|limit| self.too_complex(limit))
    }

    fn too_complex(&self, limit: usize) -> RxError {
        let mut regex = self.to_string();
        if regex.len() > 200 {
            let cut = (0..=200)
                .rev()
                .find(|&i| regex.is_char_boundary(i))
                .unwrap_or(0);
            regex.truncate(cut);
            regex.push('…');
        }
        RxError::TooComplex { regex, limit }
    }
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Regex(/{self}/)")
    }
}

/// Shows the source text of parsed regexps (with control bytes escaped) and renders
/// combinations the way Augeas builds type patterns: `(a)(b)`, `(a)|(b)`, `(a)*`.
/// Set operations show as `(a)-(b)` and `(a)&(b)`. The `/i` flag is not shown.
impl fmt::Display for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(&self.0.node, f)
    }
}

fn render(node: &Node, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let group = |n: &Node, f: &mut fmt::Formatter<'_>| {
        f.write_str("(")?;
        render(n, f)?;
        f.write_str(")")
    };
    match node {
        Node::Text(t, _) => f.write_str(&escape(t)),
        Node::Never => f.write_str("[^\\x00-\\xff]"),
        Node::Eps => f.write_str("()"),
        Node::Anchor(c) => f.write_str(if *c == b'^' { "^" } else { "$" }),
        Node::Set(set) => render_set(*set, f),
        Node::Concat(items) => items.iter().try_for_each(|n| group(n, f)),
        Node::Alt(items) => {
            for (i, n) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str("|")?;
                }
                group(n, f)?;
            }
            Ok(())
        }
        Node::Repeat(sub, min, max) => {
            group(sub, f)?;
            match (min, max) {
                (0, None) => f.write_str("*"),
                (1, None) => f.write_str("+"),
                (0, Some(1)) => f.write_str("?"),
                (n, None) => write!(f, "{{{n},}}"),
                (n, Some(m)) if n == m => write!(f, "{{{n}}}"),
                (n, Some(m)) => write!(f, "{{{n},{m}}}"),
            }
        }
        Node::Restrict(sub) => render(sub, f),
        Node::Dfa(_) => f.write_str("<automaton>"),
    }
}

fn render_set(set: ByteSet, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let bytes: Vec<u8> = set.iter().collect();
    if let [b] = bytes.as_slice() {
        return f.write_str(&escape(&char::from(*b).to_string()));
    }
    f.write_str("[")?;
    let mut i = 0;
    while let Some(&lo) = bytes.get(i) {
        let mut j = i;
        while bytes
            .get(j + 1)
            .is_some_and(|&n| Some(n) == bytes.get(j).map(|b| b + 1))
        {
            j += 1;
        }
        let hi = bytes.get(j).copied().unwrap_or(lo);
        let show = |b: u8| escape(&char::from(b).to_string());
        if hi > lo {
            write!(f, "{}-{}", show(lo), show(hi))?;
        } else {
            f.write_str(&show(lo))?;
        }
        i = j + 1;
    }
    f.write_str("]")
}

/// Escapes control characters for display: `\n`, `\t`, `\r`, and `\xHH` for the rest.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && u32::from(c) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// The marked lazy DFA in `cell`, built on first use by `build` from the regexps `parts`
/// (see [`Suffixes`] and [`Alternatives`]).
fn marked_dfa<'a>(
    cell: &'a OnceLock<Box<Mutex<LazyDfa>>>,
    parts: &[Regex],
    build: fn(&[&Node]) -> (Nfa, Vec<u32>),
) -> MutexGuard<'a, LazyDfa> {
    let m = cell.get_or_init(|| {
        let nodes: Vec<&Node> = parts.iter().map(|r| r.0.node.as_ref()).collect();
        let (nfa, marks) = build(&nodes);
        Box::new(Mutex::new(LazyDfa::with_marks(Arc::new(nfa), marks)))
    });
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The suffix languages of a concatenation, matched all at once: for the parts
/// `r₀ r₁ … rₙ`, suffix `i` is `rᵢ₊₁⋯rₙ`. One backwards scan over a text tells, for every
/// position, which suffixes the rest of the text belongs to. This is what splitting a
/// concatenation needs, in one pass and with one automaton instead of one per suffix.
pub(crate) struct Suffixes {
    /// `r₀ r₁ … rₙ`.
    parts: Vec<Regex>,
    dfa: OnceLock<Box<Mutex<LazyDfa>>>,
    /// Per part, whether its longest match is always where the next part starts.
    greedy: OnceLock<Vec<bool>>,
}

impl fmt::Debug for Suffixes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.parts).finish()
    }
}

/// Parts with bigger NFAs are not analysed for [`Suffixes::greedy`] (it builds their DFA).
const GREEDY_NFA_LIMIT: usize = 256;

impl Suffixes {
    /// The most suffixes one scan can report (one bit each in a `u64`).
    pub(crate) const MAX: usize = 64;

    /// The suffixes of a concatenation of `parts`.
    pub(crate) fn new(parts: Vec<Regex>) -> Suffixes {
        Suffixes {
            parts,
            dfa: OnceLock::new(),
            greedy: OnceLock::new(),
        }
    }

    fn tail(&self) -> &[Regex] {
        self.parts.get(1..).unwrap_or_default()
    }

    /// Whether one scan can answer for every suffix.
    pub(crate) fn usable(&self) -> bool {
        !self.tail().is_empty() && self.tail().len() <= Self::MAX
    }

    /// Whether part `i`'s longest match (from wherever it starts) is necessarily where the
    /// rest of the concatenation starts, in any text the whole concatenation matches: no
    /// word of part `i` goes on, through a byte that can begin the rest, into a longer
    /// prefix of a word of part `i`. Splitting such a part needs no look at the rest.
    pub(crate) fn greedy(&self, i: usize) -> bool {
        let flags = self.greedy.get_or_init(|| {
            let sketches: Vec<Sketch> = self.parts.iter().map(Regex::sketch).collect();
            crate::fa::follow_flags(&sketches, |j, follow| {
                self.parts.get(j).is_some_and(|p| p.stops_before(follow))
            })
        });
        flags.get(i).copied().unwrap_or(false)
    }

    /// The first part that is not [greedy](Suffixes::greedy) (the last part when all
    /// others are).
    fn first_not_greedy(&self) -> usize {
        let n = self.parts.len().saturating_sub(1);
        (0..n).find(|&i| !self.greedy(i)).unwrap_or(n)
    }

    /// Calls `f(p, mask)` for every `p` in `[start, end]`, descending, where `mask` has bit
    /// `i` set when `text[p..end]` is in suffix `i`, and is not zero. Stops as soon as no
    /// suffix can match further left. Suffixes before the first part that is not greedy
    /// are not reported (their bits are clear).
    pub(crate) fn for_each_start(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        mut f: impl FnMut(usize, u64),
    ) {
        let Some(t) = text.get(start..end) else {
            return;
        };
        // Splitting never asks about the suffixes after greedy parts at the front, so
        // the automaton leaves them out (they tend to hold the biggest parts).
        let k = self.first_not_greedy();
        let tail = self.parts.get(k + 1..).unwrap_or_default();
        let mut dfa = marked_dfa(&self.dfa, tail, Nfa::reversed_suffixes);
        dfa.scan_marks(t.iter().rev().copied(), |n, mask| f(end - n, mask << k));
    }
}

/// The alternatives of a union, matched all at once: one forward scan tells, for every
/// prefix of a text, which alternatives it belongs to. This is how get picks a union's
/// branch (the first whose language contains the text) without one scan per branch.
pub(crate) struct Alternatives {
    alts: Vec<Regex>,
    dfa: OnceLock<Box<Mutex<LazyDfa>>>,
}

impl fmt::Debug for Alternatives {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.alts).finish()
    }
}

impl Alternatives {
    /// The alternatives of a union.
    pub(crate) fn new(alts: Vec<Regex>) -> Alternatives {
        Alternatives {
            alts,
            dfa: OnceLock::new(),
        }
    }

    /// Whether one scan can answer for every alternative (at most 64).
    pub(crate) fn usable(&self) -> bool {
        !self.alts.is_empty() && self.alts.len() <= Suffixes::MAX
    }

    fn scan(&self, text: &[u8], start: usize, end: usize, f: impl FnMut(usize, u64)) {
        let Some(t) = text.get(start..end) else {
            return;
        };
        let mut dfa = marked_dfa(&self.dfa, &self.alts, Nfa::marked_union);
        dfa.scan_marks(t.iter().copied(), f);
    }

    /// The first alternative whose language contains `text[start..end]`.
    pub(crate) fn first_match(&self, text: &[u8], start: usize, end: usize) -> Option<usize> {
        let mut at_end = 0u64;
        self.scan(text, start, end, |n, mask| {
            if start + n == end {
                at_end = mask;
            }
        });
        (at_end != 0).then(|| at_end.trailing_zeros() as usize)
    }

    /// The longest `text[start..p]` (`p ≤ end`) in some alternative, with the first
    /// alternative that contains it: an anchored POSIX longest match of the whole union.
    pub(crate) fn longest_match(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
    ) -> Option<(usize, usize)> {
        let mut best = None;
        self.scan(text, start, end, |n, mask| best = Some((start + n, mask)));
        best.map(|(p, mask)| (p, mask.trailing_zeros() as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::{Regex, Simple};

    proptest::proptest! {
        /// Leaves matched without an automaton end where the automaton says.
        #[test]
        fn simple_leaves_end_where_automata_do(
            pattern in "([ab]|[a-c]|a|b|c|x)*([ab]|a)?([ab]\\+|[ab]\\*|a\\{2,\\})?",
            text in "[abcx]{0,8}",
        ) {
            let Ok(r) = Regex::parse(&pattern, false) else { return Ok(()) };
            let mut fast = Vec::new();
            let Some(s) = Simple::of(&r.0.node) else { return Ok(()) };
            s.for_each_match_end(text.as_bytes(), |n| fast.push(n));
            let mut slow = Vec::new();
            r.fwd().scan(text.bytes(), |n| slow.push(n));
            proptest::prop_assert_eq!(&fast, &slow, "/{}/ on {:?}", pattern, text);
            let simple = Simple::of(&r.0.node);
            let simple = simple.as_ref();
            proptest::prop_assert_eq!(
                simple.map(|s| s.is_match(text.as_bytes())),
                Some(r.fwd().full_match(text.as_bytes())),
                "is_match /{}/ on {:?}", pattern, text
            );
            proptest::prop_assert_eq!(
                simple.and_then(|s| s.longest(text.as_bytes())),
                slow.last().copied(),
                "longest /{}/ on {:?}", pattern, text
            );
        }
    }

    proptest::proptest! {
        /// Sequences of bytes, classes and runs matched without an automaton agree with
        /// it, whenever they are simple.
        #[test]
        fn simple_sequences_end_where_automata_do(
            pattern in "(([ab]|[a-c]|a|b|:|[^:b])(\\*|\\+|\\?|\\{2\\}|\\{1,3\\})?|\\((a|:)\\+\\)\\?){0,5}",
            text in "[abc:x]{0,10}",
        ) {
            let Ok(r) = Regex::parse(&pattern, false) else { return Ok(()) };
            let Some(s) = Simple::of(&r.0.node) else { return Ok(()) };
            let t = text.as_bytes();
            let mut fast = Vec::new();
            s.for_each_match_end(t, |n| fast.push(n));
            let mut slow = Vec::new();
            r.fwd().scan(text.bytes(), |n| slow.push(n));
            proptest::prop_assert_eq!(&fast, &slow, "/{}/ on {:?}", pattern, text);
            proptest::prop_assert_eq!(s.is_match(t), r.fwd().full_match(t));
            proptest::prop_assert_eq!(s.longest(t), slow.last().copied());
        }
    }

    #[test]
    fn fixed_lengths() {
        for (p, len) in [
            ("", Some(0)),
            ("abc", Some(3)),
            ("[ab]:", Some(2)),
            ("a|b", Some(1)),
            ("ab|c", None),
            ("(ab){3}", Some(6)),
            ("x{2,3}", None),
            ("a*", None),
            ("()*", Some(0)),
            ("a?", None),
            ("(a|bc)d", None),
        ] {
            let r = Regex::parse(p, false).unwrap();
            assert_eq!(r.fixed_len(), len, "/{p}/");
        }
        assert_eq!(Regex::literal("a.b").fixed_len(), Some(3));
    }

    #[test]
    fn leaves_are_simple() {
        for (p, simple) in [
            ("rotate", true),
            ("[ \t]+", true),
            ("[0-9]*", true),
            ("x{3,}", true),
            ("a|b", false),
            ("(ab)+", false),
            ("a{2,3}", false),
            ("([^:\n]+)?:", true),
            ("[ \t]*#[ \t]*", true),
            ("[ \t]*\n", true),
            ("a{3}b", true),
            ("[a-z]*[a-c]", false),
            ("a*a", false),
            ("a*b*", false),
            ("a*b+", true),
        ] {
            let r = Regex::parse(p, false).unwrap();
            assert_eq!(Simple::of(&r.0.node).is_some(), simple, "{p}");
        }
        assert!(Simple::of(&Regex::literal("a.b").0.node).is_some());
    }
}
