//! Errors of the path language: Augeas's minor messages, with the position in the expression.

use crate::error::ErrorCode;
use std::fmt::Write as _;

/// What went wrong, as Augeas's pathx "minor" error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathErrorKind {
    /// `empty name`: a name was expected (also an unknown function).
    EmptyName,
    /// `illegal string literal`.
    IllegalString,
    /// `illegal number`: a number too large, or `int()` of a non-integer.
    IllegalNumber,
    /// `string missing ending ' or "`.
    MissingDelim,
    /// `unmatched '['`.
    UnmatchedBracket,
    /// `unmatched '('`.
    UnmatchedParen,
    /// `type error`.
    Type,
    /// `undefined variable`.
    UndefinedVariable,
    /// `garbage at end of path expression`.
    Garbage,
    /// `wrong number of arguments in function call`.
    Arity,
    /// `invalid regular expression`.
    Regexp,
    /// `too many matches`: e.g. `int()` of a node set without exactly one node.
    TooManyMatches,
    /// `wrong flag for regexp`.
    RegexpFlag,
    /// `no match for path expression`.
    NoMatch,
    /// The expression nests deeper than we are willing to recurse (Augeas overflows its
    /// stack instead).
    TooDeep,
}

impl PathErrorKind {
    /// The Augeas minor message.
    pub fn message(self) -> &'static str {
        match self {
            PathErrorKind::EmptyName => "empty name",
            PathErrorKind::IllegalString => "illegal string literal",
            PathErrorKind::IllegalNumber => "illegal number",
            PathErrorKind::MissingDelim => "string missing ending ' or \"",
            PathErrorKind::UnmatchedBracket => "unmatched '['",
            PathErrorKind::UnmatchedParen => "unmatched '('",
            PathErrorKind::Type => "type error",
            PathErrorKind::UndefinedVariable => "undefined variable",
            PathErrorKind::Garbage => "garbage at end of path expression",
            PathErrorKind::Arity => "wrong number of arguments in function call",
            PathErrorKind::Regexp => "invalid regular expression",
            PathErrorKind::TooManyMatches => "too many matches",
            PathErrorKind::RegexpFlag => "wrong flag for regexp",
            PathErrorKind::NoMatch => "no match for path expression",
            PathErrorKind::TooDeep => "expression nested too deeply",
        }
    }

    /// The Augeas error code this minor error is reported with.
    pub fn code(self) -> ErrorCode {
        match self {
            PathErrorKind::TooManyMatches => ErrorCode::MMatch,
            PathErrorKind::NoMatch => ErrorCode::NoMatch,
            _ => ErrorCode::PathX,
        }
    }
}

/// An error in parsing or evaluating a path expression. Its `Display` gives the minor
/// message, then the expression on a line of its own with `^` under the bad column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
#[non_exhaustive]
pub struct PathError {
    /// The minor message.
    pub kind: PathErrorKind,
    /// The error code (`PathX` for syntax and type errors, `MMatch` for `int()` of a node
    /// set without exactly one node, ...).
    pub code: ErrorCode,
    /// The expression.
    pub expr: String,
    /// The byte offset in `expr` where the error was found.
    pub pos: usize,
    /// Extra details, e.g. the regexp compiler's message.
    pub details: Option<String>,
}

impl PathError {
    /// An error of `kind` at byte `pos` of `expr`.
    pub fn new(kind: PathErrorKind, expr: &str, pos: usize) -> PathError {
        PathError {
            kind,
            code: kind.code(),
            expr: expr.to_owned(),
            pos: pos.min(expr.len()),
            details: None,
        }
    }

    /// Adds details.
    pub fn with_details(mut self, details: impl Into<String>) -> PathError {
        self.details = Some(details.into());
        self
    }

    /// Augeas's details of the error: the expression with `|=|` at the error, after the
    /// regexp compiler's message and ` in ` when there is one.
    pub fn marked(&self) -> String {
        let (a, b) = split_at_char_boundary(&self.expr, self.pos);
        match &self.details {
            Some(d) => format!("{d} in {a}|=|{b}"),
            None => format!("{a}|=|{b}"),
        }
    }
}

fn split_at_char_boundary(s: &str, mut pos: usize) -> (&str, &str) {
    while pos > 0 && !s.is_char_boundary(pos) {
        pos -= 1;
    }
    s.split_at_checked(pos).unwrap_or((s, ""))
}

impl PathError {
    /// The minor message, then the details (see [`PathError::marked`]) without the mark,
    /// with a line holding `^` under the column it marked after the line it is on.
    fn render(&self) -> String {
        let mut out = self.kind.message().to_owned();
        let (before, after) = split_at_char_boundary(&self.expr, self.pos);
        let lead = match &self.details {
            Some(d) => format!("{d} in {before}"),
            None => before.to_owned(),
        };
        let col = lead.rsplit('\n').next().unwrap_or(&lead).chars().count();
        let (line_rest, next) = match after.split_once('\n') {
            Some((l, n)) => (l, Some(n)),
            None => (after, None),
        };
        let _ = write!(out, "\n{lead}{line_rest}\n{:col$}^", "");
        if let Some(n) = next {
            let _ = write!(out, "\n{n}");
        }
        out
    }
}
