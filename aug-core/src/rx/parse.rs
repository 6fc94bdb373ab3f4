//! The parser for Augeas's regexp dialect (libfa `parse_regexp` with GNU's syntax checks),
//! producing the automaton expression tree.

use std::sync::Arc;

use super::RxError;
use crate::fa::{ByteSet, Node};

/// The largest count accepted in `{n,m}` (GNU's `RE_DUP_MAX` is 32767; ours is smaller
/// because every copy becomes NFA states).
pub(crate) const MAX_REPEAT: u32 = 1000;

/// Parses `pattern`; with `nocase`, ASCII letters match either case.
pub(crate) fn parse(pattern: &str, nocase: bool) -> Result<Node, RxError> {
    let mut p = Parser {
        src: pattern,
        s: pattern.as_bytes(),
        pos: 0,
        nocase,
    };
    let node = p.alt()?;
    if p.pos < p.s.len() {
        return Err(p.err(p.pos, "unmatched ) or \\)"));
    }
    Ok(node)
}

struct Parser<'a> {
    src: &'a str,
    s: &'a [u8],
    pos: usize,
    nocase: bool,
}

impl Parser<'_> {
    fn err(&self, pos: usize, message: &'static str) -> RxError {
        RxError::Syntax {
            pattern: self.src.to_owned(),
            pos,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    /// A byte set as the pattern denotes it, case-folded under `/i` the way GNU
    /// `REG_ICASE` does: the pattern's set is lower-cased (and negated afterwards for
    /// `[^…]`), and an input byte matches when its lower-case form is in the result.
    fn set(&self, positive: ByteSet, negate: bool) -> Node {
        let base = if self.nocase {
            positive.lowered()
        } else {
            positive
        };
        let set = if negate { base.not() } else { base };
        let set = if self.nocase {
            ByteSet::case_expand(set)
        } else {
            set
        };
        Node::Set(set)
    }

    fn alt(&mut self) -> Result<Node, RxError> {
        let mut alts = vec![self.concat()?];
        while self.peek() == Some(b'|') {
            self.pos += 1;
            alts.push(self.concat()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Eps)
        } else {
            Node::Alt(alts.into_iter().map(Arc::new).collect())
        })
    }

    fn concat(&mut self) -> Result<Node, RxError> {
        let mut items = Vec::new();
        while let Some(b) = self.peek() {
            if b == b'|' || b == b')' {
                break;
            }
            items.push(self.repeat()?);
        }
        Ok(match items.len() {
            0 => Node::Eps,
            1 => items.pop().unwrap_or(Node::Eps),
            _ => Node::Concat(items.into_iter().map(Arc::new).collect()),
        })
    }

    fn repeat(&mut self) -> Result<Node, RxError> {
        let mut node = self.atom()?;
        let mut repeated = false;
        while let Some(b) = self.peek() {
            let at = self.pos;
            let (min, max) = match b {
                b'*' => (0, None),
                b'+' => (1, None),
                b'?' => (0, Some(1)),
                b'{' => {
                    self.pos += 1;
                    self.interval(at)?
                }
                _ => break,
            };
            // GNU accepts `a*?`, `a*+` and `a{2}?` but rejects `a**`, `a?*` and `a*{2}`
            // (sudoers.aug uses `*+`).
            if repeated && (b == b'*' || b == b'{') {
                return Err(self.err(at, "invalid preceding regular expression"));
            }
            if b != b'{' {
                self.pos += 1;
            }
            repeated = true;
            node = Node::Repeat(Arc::new(node), min, max);
        }
        Ok(node)
    }

    /// Parses `n}`, `n,}` or `n,m}` after a `{` at `open`; leaves `pos` after `}`.
    fn interval(&mut self, open: usize) -> Result<(u32, Option<u32>), RxError> {
        let min = self.number(open)?;
        let comma = self.peek() == Some(b',');
        let max = if comma {
            self.pos += 1;
            self.number(open)?
        } else {
            min
        };
        match self.bump() {
            Some(b'}') => {}
            Some(_) => return Err(self.err(open, "invalid content of \\{\\}")),
            None => return Err(self.err(open, "unmatched \\{")),
        }
        // GNU reads `{,m}` as `{0,m}`, but libfa rejects it and so does Augeas
        // (augparse fails to load `/a{,2}/`).
        let Some(min) = min else {
            return Err(self.err(open, "invalid content of \\{\\}"));
        };
        if max.is_some_and(|m| m < min) {
            return Err(self.err(open, "invalid content of \\{\\}"));
        }
        Ok((min, max))
    }

    fn number(&mut self, open: usize) -> Result<Option<u32>, RxError> {
        let mut n: Option<u32> = None;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            self.pos += 1;
            let v = n.unwrap_or(0) * 10 + u32::from(d - b'0');
            if v > MAX_REPEAT {
                return Err(self.err(open, "repetition count too large"));
            }
            n = Some(v);
        }
        Ok(n)
    }

    fn atom(&mut self) -> Result<Node, RxError> {
        let at = self.pos;
        let Some(b) = self.bump() else {
            return Ok(Node::Eps);
        };
        Ok(match b {
            b'(' => {
                let inner = self.alt()?;
                if self.bump() != Some(b')') {
                    return Err(self.err(at, "unmatched ( or \\("));
                }
                inner
            }
            b'*' | b'+' | b'?' | b'{' => {
                return Err(self.err(at, "invalid preceding regular expression"));
            }
            b'[' => self.bracket(at)?,
            b'.' => self.set(ByteSet::single(b'\n'), true),
            b'\\' => match self.bump() {
                Some(c) => self.set(ByteSet::single(c), false),
                None => return Err(self.err(at, "trailing backslash")),
            },
            // GNU's context rule (no RE_CONTEXT_INDEP_ANCHORS): a line anchor at the start
            // of a pattern or group or after `|`, and at the end or before `)` or `|`.
            b'^' if at == 0 || matches!(self.s.get(at - 1), Some(b'(' | b'|')) => {
                Node::Anchor(b'^')
            }
            b'$' if matches!(self.peek(), None | Some(b')' | b'|')) => Node::Anchor(b'$'),
            c => self.set(ByteSet::single(c), false),
        })
    }

    /// A POSIX bracket expression after its `[` at `open`: `]` first is literal, `[` and
    /// `\` are literal, `-` first or last is literal.
    fn bracket(&mut self, open: usize) -> Result<Node, RxError> {
        let negate = self.peek() == Some(b'^');
        if negate {
            self.pos += 1;
        }
        let unmatched = "unmatched [, [^, [:, [., or [=";
        let mut set = ByteSet::EMPTY;
        let mut first = true;
        loop {
            let Some(lo) = self.bump() else {
                return Err(self.err(open, unmatched));
            };
            if lo == b']' && !first {
                break;
            }
            first = false;
            let is_range =
                self.peek() == Some(b'-') && self.s.get(self.pos + 1).is_some_and(|&c| c != b']');
            if !is_range {
                set.insert(lo);
                continue;
            }
            let at = self.pos;
            self.pos += 1;
            let Some(hi) = self.bump() else {
                return Err(self.err(open, unmatched));
            };
            if hi < lo {
                return Err(self.err(at, "invalid range end"));
            }
            set = set.or(ByteSet::range(lo, hi));
            // GNU rejects a second range sharing an end point, as in `[a-c-e]`.
            if self.peek() == Some(b'-') && self.s.get(self.pos + 1).is_some_and(|&c| c != b']') {
                return Err(self.err(self.pos, "invalid range end"));
            }
        }
        Ok(self.set(set, negate))
    }
}
