//! TEMPORARY stand-in for the rx module (regex-automata based), replaced by the real one.

use regex_automata::dfa::{Automaton, dense};
use regex_automata::nfa::thompson;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};
use std::fmt;
use std::sync::Arc;

/// Regex error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct RxError(String);

/// A regex.
#[derive(Clone)]
pub struct Regex(Arc<Inner>);

struct Inner {
    pat: String,
    fwd: dense::DFA<Vec<u32>>,
    rev: dense::DFA<Vec<u32>>,
}

impl fmt::Debug for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/", self.0.pat)
    }
}
impl fmt::Display for Regex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.pat)
    }
}

fn esc(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            o.push(b as char)
        } else {
            o.push_str(&format!("\\x{b:02x}"))
        }
    }
    o
}

impl Regex {
    fn build(pat: String) -> Result<Regex, RxError> {
        let syn = syntax::Config::new().unicode(false).utf8(false);
        let fwd = dense::Builder::new()
            .configure(
                dense::DFA::config()
                    .match_kind(MatchKind::All)
                    .start_kind(regex_automata::dfa::StartKind::Anchored),
            )
            .syntax(syn)
            .build(&format!("(?s-u:{pat})"))
            .map_err(|e| RxError(e.to_string()))?;
        let rev = dense::Builder::new()
            .configure(
                dense::DFA::config()
                    .match_kind(MatchKind::All)
                    .start_kind(regex_automata::dfa::StartKind::Anchored),
            )
            .thompson(thompson::Config::new().reverse(true))
            .syntax(syn)
            .build(&format!("(?s-u:{pat})"))
            .map_err(|e| RxError(e.to_string()))?;
        Ok(Regex(Arc::new(Inner { pat, fwd, rev })))
    }
    /// Parse.
    pub fn parse(p: &str, _nocase: bool) -> Result<Regex, RxError> {
        // Augeas '.' excludes newline.
        let p = p.replace("[^", "[^\\x00-\\x00");
        let p = p.replace('.', "[^\\n]");
        Regex::build(p)
    }
    /// Literal.
    pub fn literal(s: &str) -> Regex {
        Regex::build(esc(s)).unwrap_or_else(|_| Regex::never())
    }
    /// Epsilon.
    pub fn epsilon() -> Regex {
        Regex::build(String::new()).unwrap_or_else(|_| Regex::never())
    }
    /// Never.
    pub fn never() -> Regex {
        #[allow(clippy::unwrap_used)]
        Regex::build("[a&&b]".into()).unwrap()
    }
    /// Concat.
    pub fn concat(&self, o: &Regex) -> Regex {
        Regex::build(format!("(?:{})(?:{})", self.0.pat, o.0.pat))
            .unwrap_or_else(|_| Regex::never())
    }
    /// Union.
    pub fn union(&self, o: &Regex) -> Regex {
        Regex::build(format!("(?:{})|(?:{})", self.0.pat, o.0.pat))
            .unwrap_or_else(|_| Regex::never())
    }
    /// Star.
    pub fn star(&self) -> Regex {
        Regex::build(format!("(?:{})*", self.0.pat)).unwrap_or_else(|_| Regex::never())
    }
    /// Opt.
    pub fn opt(&self) -> Regex {
        Regex::build(format!("(?:{})?", self.0.pat)).unwrap_or_else(|_| Regex::never())
    }
    /// Plus.
    pub fn plus(&self) -> Regex {
        Regex::build(format!("(?:{})+", self.0.pat)).unwrap_or_else(|_| Regex::never())
    }
    /// Restrict.
    pub fn restrict(&self) -> Regex {
        self.clone()
    }
    /// Nullable.
    pub fn matches_empty(&self) -> bool {
        self.is_match(b"")
    }
    /// Whole match.
    pub fn is_match(&self, t: &[u8]) -> bool {
        self.matches_span(t, 0, t.len())
    }
    /// Span match.
    pub fn matches_span(&self, t: &[u8], s: usize, e: usize) -> bool {
        self.match_ends(t, s, e).last() == Some(&e)
    }
    /// Longest.
    pub fn longest_match(&self, t: &[u8], s: usize, e: usize) -> Option<usize> {
        self.match_ends(t, s, e).last().copied()
    }
    /// Ends.
    pub fn match_ends(&self, t: &[u8], s: usize, e: usize) -> Vec<usize> {
        let d = &self.0.fwd;
        let mut out = vec![];
        let Ok(mut sid) = d.start_state_forward(&Input::new(t).range(s..e).anchored(Anchored::Yes))
        else {
            return out;
        };
        for (i, &b) in t[s..e].iter().enumerate() {
            sid = d.next_state(sid, b);
            if d.is_match_state(sid) {
                out.push(s + i);
            }
            if d.is_dead_state(sid) {
                return out;
            }
        }
        sid = d.next_eoi_state(sid);
        if d.is_match_state(sid) {
            out.push(e);
        }
        out
    }
    /// Starts.
    pub fn match_starts(&self, t: &[u8], s: usize, e: usize) -> Vec<usize> {
        let d = &self.0.rev;
        let mut out = vec![];
        let Ok(mut sid) = d.start_state_reverse(&Input::new(t).range(s..e).anchored(Anchored::Yes))
        else {
            return out;
        };
        for i in (s..e).rev() {
            sid = d.next_state(sid, t[i]);
            if d.is_match_state(sid) {
                out.push(i + 1);
            }
            if d.is_dead_state(sid) {
                out.reverse();
                return out;
            }
        }
        sid = d.next_eoi_state(sid);
        if d.is_match_state(sid) {
            out.push(s);
        }
        out.reverse();
        out
    }
}
