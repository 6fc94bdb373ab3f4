//! The parser: a recursive descent over the bytes of an expression that reads it exactly as
//! Augeas 1.14's `pathx.c` does, into our [`Expr`] AST, with Augeas's minor error messages
//! at Augeas's positions.
//!
//! The grammar, from the lowest precedence to the highest:
//!
//! ```text
//! Expr         ::= OrExpr ('else' OrExpr)*
//! OrExpr       ::= AndExpr ('or' AndExpr)*
//! AndExpr      ::= EqExpr ('and' EqExpr)*
//! EqExpr       ::= RelExpr (('=~' | '!~' | '=' | '!=') RelExpr)?
//! RelExpr      ::= AddExpr (('<' | '<=' | '>' | '>=') AddExpr)?
//! AddExpr      ::= MulExpr (('+' | '-') MulExpr)*
//! MulExpr      ::= UnionExpr ('*' UnionExpr)*
//! UnionExpr    ::= PathExpr ('|' PathExpr)*
//! PathExpr     ::= Primary Predicate* (('/' | '//') RelPath)? | LocationPath
//! LocationPath ::= '/' RelPath? | '//' RelPath | RelPath
//! RelPath      ::= Step (('/' | '//') Step)*
//! Step         ::= (Axis '::')? ('*' | Name) Predicate* | '.' | '..'
//! Predicate    ::= '[' Expr ']'
//! Primary      ::= Literal | Number | '(' Expr ')' | '$' Var | Func '(' (Expr (',' Expr)*)? ')'
//! ```
//!
//! What makes it Augeas's rather than XPath's:
//!
//! - Whitespace is skipped before `[ ] ( ) / | * , $` and after operators, but not after
//!   `*` and `|`: there a blank makes what follows a location path (`2 * 2` multiplies by
//!   the node set `child::2`), unless it is `(`.
//! - A name runs up to one of `][|/=()!,` or ` or `, ` and `, ` else `; it may hold blanks
//!   (trailing ones are dropped unless escaped), quotes, `$`, `:`, `+`, `<`... A backslash
//!   escapes the next character. Only a name that is exactly `.` or `..` is the self or
//!   parent step: `. x` and `.x` are names.
//! - `and`, `or` and `else` need no blank after them, and none before them once a name or
//!   a number has ended.
//! - A primary starts with `$`, a quote, a digit, or letters followed by `(`. At the end
//!   of the text a primary is expected and is an `illegal string literal` (`/a |`).
//! - An unknown function is an `empty name`, and the wrong number of arguments is an
//!   error of its own.

use super::ast::{Axis, BinOp, Expr, Func, LocPath, Start, Step};
use super::error::{PathError, PathErrorKind};

/// How deeply parentheses, brackets and function calls may nest, and how many operators,
/// calls and predicates an expression may hold. Augeas has no limit and overflows its
/// stack; we refuse cleanly instead.
pub const MAX_NESTING: usize = 1000;

/// Red zone and growth for the recursive parser, type checker and evaluator.
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const GROW: usize = 4 << 20;

/// The characters that end a name (unless escaped).
const NAME_FOLLOW: &[u8] = b"][|/=()!,";

/// A parsed expression and whether it holds an `else` (which makes every predicate
/// evaluated twice, as in Augeas).
#[derive(Debug)]
pub(crate) struct Parsed {
    pub expr: Expr,
    pub has_else: bool,
}

/// Parses `text` into an [`Expr`].
pub(crate) fn parse(text: &str) -> Result<Parsed, PathError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
        composite: 0,
        has_else: false,
    };
    let expr = p.expr()?;
    if p.pos != p.s.len() {
        return Err(p.err(PathErrorKind::Garbage));
    }
    Ok(Parsed {
        expr,
        has_else: p.has_else,
    })
}

/// C's `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    /// How deeply `expr` is nested.
    depth: usize,
    /// How many operators, calls and predicates were read.
    composite: usize,
    has_else: bool,
}

type R<T> = Result<T, PathError>;

impl Parser<'_> {
    fn err(&self, kind: PathErrorKind) -> PathError {
        PathError::new(kind, self.text, self.pos)
    }

    /// The byte at `i`, or 0 at the end (as C reads its terminating NUL).
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    fn cur(&self) -> u8 {
        self.at(self.pos)
    }

    fn starts_with(&self, word: &[u8]) -> bool {
        self.s.get(self.pos..).is_some_and(|r| r.starts_with(word))
    }

    fn skip_ws(&mut self) {
        while is_space(self.cur()) {
            self.pos += 1;
        }
    }

    /// Skips whitespace, then consumes `c` if it comes next.
    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.pos < self.s.len() && self.cur() == c {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Whether the next byte is one of `chars`; true at the end of the text (C's
    /// `strchr` finds the terminating NUL).
    fn peek(&self, chars: &[u8]) -> bool {
        self.pos >= self.s.len() || chars.contains(&self.cur())
    }

    /// Consumes `token`, whitespace and `follow` if they come next.
    fn looking_at(&mut self, token: &str, follow: &str) -> bool {
        if !self.starts_with(token.as_bytes()) {
            return false;
        }
        let mut p = self.pos + token.len();
        while is_space(self.at(p)) {
            p += 1;
        }
        if self
            .s
            .get(p..)
            .is_some_and(|r| r.starts_with(follow.as_bytes()))
        {
            self.pos = p + follow.len();
            true
        } else {
            false
        }
    }

    /// Counts one more operator, call or predicate.
    fn grow(&mut self) -> R<()> {
        self.composite += 1;
        if self.composite > MAX_NESTING {
            return Err(self.err(PathErrorKind::TooDeep));
        }
        Ok(())
    }

    fn binary(&mut self, op: BinOp, l: Expr, r: Expr) -> R<Expr> {
        self.grow()?;
        Ok(Expr::Binary(op, Box::new(l), Box::new(r)))
    }

    fn expr(&mut self) -> R<Expr> {
        self.depth += 1;
        // The whole expression is not nested in anything.
        if self.depth > MAX_NESTING + 1 {
            return Err(self.err(PathErrorKind::TooDeep));
        }
        let r = stacker::maybe_grow(RED_ZONE, GROW, || {
            self.skip_ws();
            self.else_expr()
        });
        self.depth -= 1;
        r
    }

    fn else_expr(&mut self) -> R<Expr> {
        let mut acc = self.or_expr()?;
        while self.starts_with(b"else") {
            self.pos += 4;
            self.skip_ws();
            let r = self.or_expr()?;
            acc = self.binary(BinOp::Else, acc, r)?;
            self.has_else = true;
        }
        Ok(acc)
    }

    fn or_expr(&mut self) -> R<Expr> {
        let mut acc = self.and_expr()?;
        while self.starts_with(b"or") {
            self.pos += 2;
            self.skip_ws();
            let r = self.and_expr()?;
            acc = self.binary(BinOp::Or, acc, r)?;
        }
        Ok(acc)
    }

    fn and_expr(&mut self) -> R<Expr> {
        let mut acc = self.eq_expr()?;
        while self.starts_with(b"and") {
            self.pos += 3;
            self.skip_ws();
            let r = self.eq_expr()?;
            acc = self.binary(BinOp::And, acc, r)?;
        }
        Ok(acc)
    }

    fn eq_expr(&mut self) -> R<Expr> {
        let l = self.rel_expr()?;
        let (c, n) = (self.cur(), self.at(self.pos + 1));
        let op = match (c, n) {
            (b'=', b'~') => Some((BinOp::Match, 2)),
            (b'!', b'~') => Some((BinOp::NoMatch, 2)),
            (b'=', _) => Some((BinOp::Eq, 1)),
            (b'!', b'=') => Some((BinOp::Neq, 2)),
            _ => None,
        };
        let Some((op, len)) = op else {
            return Ok(l);
        };
        self.pos += len;
        self.skip_ws();
        let r = self.rel_expr()?;
        self.binary(op, l, r)
    }

    fn rel_expr(&mut self) -> R<Expr> {
        let l = self.add_expr()?;
        let mut op = match self.cur() {
            b'<' => BinOp::Lt,
            b'>' => BinOp::Gt,
            _ => return Ok(l),
        };
        self.pos += 1;
        if self.cur() == b'=' {
            op = if op == BinOp::Lt {
                BinOp::Le
            } else {
                BinOp::Ge
            };
            self.pos += 1;
        }
        self.skip_ws();
        let r = self.add_expr()?;
        self.binary(op, l, r)
    }

    fn add_expr(&mut self) -> R<Expr> {
        let mut acc = self.mul_expr()?;
        loop {
            let op = match self.cur() {
                b'+' => BinOp::Plus,
                b'-' => BinOp::Minus,
                _ => return Ok(acc),
            };
            self.pos += 1;
            self.skip_ws();
            let r = self.mul_expr()?;
            acc = self.binary(op, acc, r)?;
        }
    }

    fn mul_expr(&mut self) -> R<Expr> {
        let mut acc = self.union_expr()?;
        while self.eat(b'*') {
            let r = self.union_expr()?;
            acc = self.binary(BinOp::Star, acc, r)?;
        }
        Ok(acc)
    }

    fn union_expr(&mut self) -> R<Expr> {
        let mut acc = self.path_expr()?;
        while self.eat(b'|') {
            let r = self.path_expr()?;
            acc = self.binary(BinOp::Union, acc, r)?;
        }
        Ok(acc)
    }

    /// Whether a primary expression comes next: a number, a literal or a variable, or
    /// letters followed by `(` (whitespace allowed before it).
    fn looking_at_primary(&self) -> bool {
        if self.peek(b"$'\"0123456789") {
            return true;
        }
        let mut p = self.pos;
        while self.at(p).is_ascii_alphabetic() {
            p += 1;
        }
        while is_space(self.at(p)) {
            p += 1;
        }
        self.at(p) == b'('
    }

    fn path_expr(&mut self) -> R<Expr> {
        if !self.looking_at_primary() {
            return self.location_path();
        }
        let primary = self.primary()?;
        let preds = self.predicates()?;
        let mut steps = None;
        if self.eat(b'/') {
            if self.eat(b'/') {
                let mut s = vec![Step::any(Axis::DescendantOrSelf)];
                self.rel_path(&mut s)?;
                steps = Some(s);
            } else {
                if self.pos >= self.s.len() {
                    return Err(self.err(PathErrorKind::Garbage));
                }
                let mut s = Vec::new();
                self.rel_path(&mut s)?;
                steps = Some(s);
            }
        }
        if preds.is_empty() && steps.is_none() {
            return Ok(primary);
        }
        self.grow()?;
        // `$var[pred]` is `$var[pred]/.`, as in Augeas.
        let steps = steps.unwrap_or_else(|| vec![Step::any(Axis::SelfAxis)]);
        Ok(Expr::Path(Box::new(LocPath {
            start: Start::Filter(primary, preds),
            steps,
        })))
    }

    fn location_path(&mut self) -> R<Expr> {
        let mut steps = Vec::new();
        if self.eat(b'/') {
            if self.cur() == b'/' {
                self.pos += 1;
                steps.push(Step::any(Axis::DescendantOrSelf));
                self.rel_path(&mut steps)?;
            } else {
                steps.push(Step::any(Axis::Root));
                if self.pos < self.s.len() {
                    self.rel_path(&mut steps)?;
                }
            }
        } else {
            self.rel_path(&mut steps)?;
        }
        Ok(Expr::Path(Box::new(LocPath {
            start: Start::Context,
            steps,
        })))
    }

    fn rel_path(&mut self, steps: &mut Vec<Step>) -> R<()> {
        steps.push(self.step()?);
        while self.eat(b'/') {
            if self.cur() == b'/' {
                self.pos += 1;
                steps.push(Step::any(Axis::DescendantOrSelf));
            }
            steps.push(self.step()?);
        }
        Ok(())
    }

    fn step(&mut self) -> R<Step> {
        let mut step = Step::any(Axis::Child);
        let mut explicit = false;
        for (name, axis) in Axis::NAMES {
            if self.looking_at(name, "::") {
                step.axis = axis;
                explicit = true;
                break;
            }
        }
        if !self.eat(b'*') {
            let name = self.name()?;
            if !explicit && (name == "." || name == "..") {
                step.axis = if name == "." {
                    Axis::SelfAxis
                } else {
                    Axis::Parent
                };
                return Ok(step);
            }
            step.name = Some(name);
        }
        step.predicates = self.predicates()?;
        Ok(step)
    }

    /// A name: up to an unescaped character of [`NAME_FOLLOW`] or ` or `, ` and `,
    /// ` else `, without trailing whitespace; backslashes escape the next character.
    fn name(&mut self) -> R<String> {
        let start = self.pos;
        while self.pos < self.s.len() && !NAME_FOLLOW.contains(&self.cur()) {
            if self.starts_with(b" or ")
                || self.starts_with(b" and ")
                || self.starts_with(b" else ")
            {
                break;
            }
            if self.cur() == b'\\' {
                self.pos += 1;
                if self.pos >= self.s.len() {
                    return Err(self.err(PathErrorKind::EmptyName));
                }
            }
            self.pos += 1;
        }
        // Drop trailing whitespace that is not escaped.
        if self.pos > start {
            let mut p = self.pos - 1;
            while is_space(self.at(p)) && p > start && !self.escaped(p, start) {
                p -= 1;
            }
            self.pos = p + 1;
        }
        if self.pos == start {
            return Err(self.err(PathErrorKind::EmptyName));
        }
        let raw = self.text.get(start..self.pos).unwrap_or("");
        Ok(unescape_name(raw))
    }

    /// Whether the byte at `p` follows an odd number of backslashes (after `start`).
    fn escaped(&self, p: usize, start: usize) -> bool {
        let mut odd = false;
        let mut q = p;
        while q > start && self.at(q - 1) == b'\\' {
            odd = !odd;
            q -= 1;
        }
        odd
    }

    fn predicates(&mut self) -> R<Vec<Expr>> {
        let mut preds = Vec::new();
        while self.eat(b'[') {
            self.grow()?;
            preds.push(self.expr()?);
            if !self.eat(b']') {
                return Err(self.err(PathErrorKind::UnmatchedBracket));
            }
            self.skip_ws();
        }
        Ok(preds)
    }

    fn primary(&mut self) -> R<Expr> {
        if self.peek(b"'\"") {
            self.literal()
        } else if self.peek(b"0123456789") {
            self.number()
        } else if self.eat(b'(') {
            let e = self.expr()?;
            if !self.eat(b')') {
                return Err(self.err(PathErrorKind::UnmatchedParen));
            }
            Ok(e)
        } else if self.eat(b'$') {
            self.variable()
        } else {
            self.function_call()
        }
    }

    fn literal(&mut self) -> R<Expr> {
        let delim = self.cur();
        if self.pos >= self.s.len() || (delim != b'"' && delim != b'\'') {
            return Err(self.err(PathErrorKind::IllegalString));
        }
        self.pos += 1;
        let start = self.pos;
        while self.pos < self.s.len() && self.cur() != delim {
            self.pos += 1;
        }
        if self.pos >= self.s.len() {
            return Err(self.err(PathErrorKind::MissingDelim));
        }
        let s = self.text.get(start..self.pos).unwrap_or("").to_owned();
        self.pos += 1;
        Ok(Expr::Literal(s))
    }

    fn number(&mut self) -> R<Expr> {
        let start = self.pos;
        let mut end = start;
        while self.at(end).is_ascii_digit() {
            end += 1;
        }
        let n: i32 = self
            .text
            .get(start..end)
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| self.err(PathErrorKind::IllegalNumber))?;
        self.pos = end;
        Ok(Expr::Number(i64::from(n)))
    }

    fn variable(&mut self) -> R<Expr> {
        let start = self.pos;
        let c = self.cur();
        if !(c.is_ascii_alphabetic() || c == b'_') {
            return Err(self.err(PathErrorKind::EmptyName));
        }
        let mut end = start + 1;
        while self.at(end).is_ascii_alphanumeric() || self.at(end) == b'_' {
            end += 1;
        }
        self.pos = end;
        Ok(Expr::Var(
            self.text.get(start..end).unwrap_or("").to_owned(),
        ))
    }

    fn function_call(&mut self) -> R<Expr> {
        let Some(func) = Func::NAMES
            .iter()
            .find(|(name, _)| self.looking_at(name, "("))
            .map(|&(_, f)| f)
        else {
            return Err(self.err(PathErrorKind::EmptyName));
        };
        self.grow()?;
        let mut args = Vec::new();
        if !self.eat(b')') {
            loop {
                args.push(self.expr()?);
                if !self.eat(b',') {
                    break;
                }
            }
            if !self.eat(b')') {
                return Err(self.err(PathErrorKind::UnmatchedParen));
            }
        }
        if !func.accepts(args.len()) {
            return Err(self.err(PathErrorKind::Arity));
        }
        Ok(Expr::Call(func, args))
    }
}

/// Turns the text of a name into a label: removes the backslashes of escapes (leading and
/// trailing whitespace was left out by the parser already, except escaped whitespace).
pub fn unescape_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(e) = chars.next() {
                out.push(e);
            }
        } else {
            out.push(c);
        }
    }
    out
}
