//! The parser: the pest grammar `grammar.pest`, which reads an expression exactly as
//! Augeas 1.14's `pathx.c` does, and the conversion of its pairs into our [`Expr`] AST,
//! with Augeas's minor error messages at Augeas's positions.
//!
//! What makes the language Augeas's rather than XPath's is written in the grammar:
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
//! - An unknown function is an `empty name`.
//!
//! The grammar never fails: where Augeas reports an error, an error rule matches at the
//! position Augeas reports and takes the rest of the text. The conversion, which walks the
//! pairs in the order the text was read, turns the first error rule it meets into the
//! error, and checks what the grammar does not: the number of arguments of a function, that
//! a number fits in a C `int`, and how many operators, calls and predicates there are.

use super::ast::{Axis, BinOp, Expr, Func, LocPath, Start, Step};
use super::error::{PathError, PathErrorKind};
use pest::Parser as _;
use pest::iterators::Pair;

/// How deeply parentheses, brackets and function calls may nest, and how many operators,
/// calls and predicates an expression may hold. Augeas has no limit and overflows its
/// stack; we refuse cleanly instead. (The grammar's `too_deep` rule holds this number
/// plus one.)
pub const MAX_NESTING: usize = 1000;

/// Red zone and growth for the recursive parser, type checker and evaluator.
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const GROW: usize = 4 << 20;

/// The stack the pest parser may need for one level of nesting: an `expr` inside brackets,
/// parentheses or a call runs through some twenty rules, which take about 1 KiB.
const STACK_PER_LEVEL: usize = 16 * 1024;

/// The pest parser of `grammar.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "path/grammar.pest"]
struct Grammar;

/// A parsed expression and whether it holds an `else` (which makes every predicate
/// evaluated twice, as in Augeas).
#[derive(Debug)]
pub(crate) struct Parsed {
    pub expr: Expr,
    pub has_else: bool,
}

/// Parses `text` into an [`Expr`].
pub(crate) fn parse(text: &str) -> Result<Parsed, PathError> {
    match plain_path(text) {
        Some(expr) => Ok(Parsed {
            expr,
            has_else: false,
        }),
        None => parse_grammar(text),
    }
}

/// The AST of an absolute path of plain names (`/files/etc/hosts/1/ipaddr`), the kind of
/// path most calls give, read without the grammar (whose parse took most of the time of a
/// `get` by such a path); `None` for any other text. A plain name is made of letters,
/// digits and `_-.#@`, and is not all dots (`.` and `..` are steps of their own): the
/// grammar reads each as a `child::` step of that name, after a `root::` step, as this
/// does (the unit test `plain_paths_read_as_the_grammar_reads_them` checks it).
fn plain_path(text: &str) -> Option<Expr> {
    let rest = text.strip_prefix('/')?;
    let mut steps = vec![Step::any(Axis::Root)];
    for name in rest.split('/') {
        let plain = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'#' | b'@'))
            && name.bytes().any(|b| b != b'.');
        if !plain {
            return None;
        }
        steps.push(Step {
            axis: Axis::Child,
            name: Some(name.to_owned()),
            predicates: Vec::new(),
        });
    }
    Some(Expr::Path(Box::new(LocPath {
        start: Start::Context,
        steps,
    })))
}

/// Parses `text` into an [`Expr`] with the grammar.
fn parse_grammar(text: &str) -> Result<Parsed, PathError> {
    let pairs = pest_parse(text);
    // The grammar matches any text: pest fails only when it runs out of stack, or of calls
    // if the program set a (process-wide) `pest::set_call_limit` too low for this text.
    let path = pairs
        .map_err(|e| {
            let pos = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((p, _)) => p,
            };
            PathError::new(PathErrorKind::TooDeep, text, pos)
        })?
        .next();
    let mut c = Converter {
        text,
        composite: 0,
        has_else: false,
    };
    let mut children = path.into_iter().flat_map(Pair::into_inner);
    let expr = c.expr(c.next(&mut children)?)?;
    if let Some(garbage) = children.next() {
        c.check(&garbage)?;
    }
    Ok(Parsed {
        expr,
        has_else: c.has_else,
    })
}

/// Runs the pest parser on `text`, on a stack deep enough for it.
fn pest_parse(
    text: &str,
) -> Result<pest::iterators::Pairs<'_, Rule>, Box<pest::error::Error<Rule>>> {
    // Every level of nesting opens a bracket or a parenthesis, and the grammar refuses to
    // go deeper than `MAX_NESTING + 1` levels: give pest the stack that many levels need.
    let opening = text.bytes().filter(|b| matches!(b, b'[' | b'(')).count();
    let need = (opening.min(MAX_NESTING + 1) + 1) * STACK_PER_LEVEL;
    stacker::maybe_grow(need + RED_ZONE, need + GROW, || {
        Grammar::parse(Rule::path, text).map_err(Box::new)
    })
}

/// Turns pairs into the AST.
struct Converter<'a> {
    text: &'a str,
    /// How many operators, calls and predicates were read.
    composite: usize,
    has_else: bool,
}

type R<T> = Result<T, PathError>;

impl Converter<'_> {
    fn err(&self, kind: PathErrorKind, pos: usize) -> PathError {
        PathError::new(kind, self.text, pos)
    }

    /// The next pair; the grammar guarantees it, so its absence is an error at the end.
    fn next<'i>(&self, pairs: &mut impl Iterator<Item = Pair<'i, Rule>>) -> R<Pair<'i, Rule>> {
        pairs
            .next()
            .ok_or_else(|| self.err(PathErrorKind::Garbage, self.text.len()))
    }

    /// The error an error rule stands for: Augeas's message at Augeas's position.
    fn error(&self, pair: &Pair<'_, Rule>) -> Option<PathError> {
        let start = pair.as_span().start();
        let (kind, pos) = match pair.as_rule() {
            Rule::garbage | Rule::trailing_slash => (PathErrorKind::Garbage, start),
            Rule::empty_name | Rule::unknown_function => (PathErrorKind::EmptyName, start),
            Rule::dangling_escape => (PathErrorKind::EmptyName, self.text.len()),
            Rule::unmatched_bracket => (PathErrorKind::UnmatchedBracket, start),
            Rule::unmatched_paren => (PathErrorKind::UnmatchedParen, start),
            Rule::illegal_string => (PathErrorKind::IllegalString, start),
            Rule::unterminated_literal => (PathErrorKind::MissingDelim, self.text.len()),
            Rule::too_deep => (PathErrorKind::TooDeep, start),
            _ => return None,
        };
        Some(self.err(kind, pos))
    }

    /// Fails if `pair` is an error rule.
    fn check(&self, pair: &Pair<'_, Rule>) -> R<()> {
        self.error(pair).map_or(Ok(()), Err)
    }

    /// Counts one more operator, call or predicate, read up to `pos`.
    fn grow(&mut self, pos: usize) -> R<()> {
        self.composite += 1;
        if self.composite > MAX_NESTING {
            return Err(self.err(PathErrorKind::TooDeep, pos));
        }
        Ok(())
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        let inner = self.next(&mut pair.into_inner())?;
        self.check(&inner)?;
        stacker::maybe_grow(RED_ZONE, GROW, || self.binary(inner))
    }

    /// A chain of operands of one precedence level with their operators, left
    /// associative; an operand is of the next level down.
    fn binary(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        let rule = pair.as_rule();
        let mut acc = None;
        let mut op = None;
        for child in pair.into_inner() {
            let child_rule = child.as_rule();
            match child_rule {
                Rule::eq_op | Rule::rel_op | Rule::add_op => {
                    op = Some(operator(child.as_str()));
                    continue;
                }
                _ => {}
            }
            let end = child.as_span().end();
            let operand = match child_rule {
                Rule::or_expr
                | Rule::and_expr
                | Rule::eq_expr
                | Rule::rel_expr
                | Rule::add_expr
                | Rule::mul_expr
                | Rule::union_expr => self.binary(child)?,
                Rule::filter_expr => self.filter_expr(child)?,
                Rule::location_path => self.location_path(child)?,
                _ => return Err(self.error(&child).unwrap_or_else(|| self.unexpected(end))),
            };
            acc = Some(match acc {
                None => operand,
                Some(l) => {
                    let op = op
                        .take()
                        .or(match rule {
                            Rule::else_expr => Some(BinOp::Else),
                            Rule::or_expr => Some(BinOp::Or),
                            Rule::and_expr => Some(BinOp::And),
                            Rule::mul_expr => Some(BinOp::Star),
                            Rule::union_expr => Some(BinOp::Union),
                            _ => None,
                        })
                        .ok_or_else(|| self.unexpected(end))?;
                    self.grow(end)?;
                    if op == BinOp::Else {
                        self.has_else = true;
                    }
                    Expr::Binary(op, Box::new(l), Box::new(operand))
                }
            });
        }
        acc.ok_or_else(|| self.unexpected(self.text.len()))
    }

    /// An error for a parse tree the grammar cannot produce.
    fn unexpected(&self, pos: usize) -> PathError {
        self.err(PathErrorKind::Garbage, pos)
    }

    fn filter_expr(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        let end = pair.as_span().end();
        let mut children = pair.into_inner().peekable();
        let primary = self.primary(self.next(&mut children)?)?;
        let mut preds = Vec::new();
        while let Some(p) = children.next_if(|p| p.as_rule() == Rule::predicate) {
            preds.push(self.predicate(p)?);
        }
        let mut steps = None;
        if let Some(first) = children.next() {
            self.check(&first)?;
            let mut s = Vec::new();
            if first.as_rule() == Rule::descendant {
                s.push(Step::any(Axis::DescendantOrSelf));
                self.rel_path(self.next(&mut children)?, &mut s)?;
            } else {
                self.rel_path(first, &mut s)?;
            }
            steps = Some(s);
        }
        if preds.is_empty() && steps.is_none() {
            return Ok(primary);
        }
        self.grow(end)?;
        // `$var[pred]` is `$var[pred]/.`, as in Augeas.
        let steps = steps.unwrap_or_else(|| vec![Step::any(Axis::SelfNode)]);
        Ok(Expr::Path(Box::new(LocPath {
            start: Start::Filter(primary, preds),
            steps,
        })))
    }

    fn location_path(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        let mut steps = Vec::new();
        let mut children = pair.into_inner().peekable();
        if children
            .next_if(|p| p.as_rule() == Rule::absolute)
            .is_some()
        {
            if children
                .next_if(|p| p.as_rule() == Rule::descendant)
                .is_some()
            {
                steps.push(Step::any(Axis::DescendantOrSelf));
            } else {
                steps.push(Step::any(Axis::Root));
            }
        }
        if let Some(rel) = children.next() {
            self.rel_path(rel, &mut steps)?;
        }
        Ok(Expr::Path(Box::new(LocPath {
            start: Start::Context,
            steps,
        })))
    }

    fn rel_path(&mut self, pair: Pair<'_, Rule>, steps: &mut Vec<Step>) -> R<()> {
        for child in pair.into_inner() {
            if child.as_rule() == Rule::descendant {
                steps.push(Step::any(Axis::DescendantOrSelf));
            } else {
                steps.push(self.step(child)?);
            }
        }
        Ok(())
    }

    fn step(&mut self, pair: Pair<'_, Rule>) -> R<Step> {
        let mut step = Step::any(Axis::Child);
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::axis => {
                    step.axis = Axis::from_name(child.as_str()).unwrap_or(Axis::Child);
                }
                Rule::abbrev_step => {
                    step.axis = match unescape_name(child.as_str()).as_str() {
                        "." => Axis::SelfNode,
                        _ => Axis::Parent,
                    };
                }
                Rule::any_name => {}
                Rule::name => step.name = Some(self.name(child)?),
                Rule::predicate => step.predicates.push(self.predicate(child)?),
                _ => self.check(&child)?,
            }
        }
        Ok(step)
    }

    fn name(&self, pair: Pair<'_, Rule>) -> R<String> {
        if let Some(dangling) = pair.clone().into_inner().next() {
            self.check(&dangling)?;
        }
        Ok(unescape_name(pair.as_str()))
    }

    fn predicate(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        self.grow(pair.as_span().start() + 1)?;
        let mut children = pair.into_inner();
        let expr = self.expr(self.next(&mut children)?)?;
        if let Some(unmatched) = children.next() {
            self.check(&unmatched)?;
        }
        Ok(expr)
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        self.check(&pair)?;
        let span = pair.as_span();
        match pair.as_rule() {
            Rule::literal => {
                let s = span.as_str();
                Ok(Expr::Literal(
                    s.get(1..s.len().saturating_sub(1)).unwrap_or("").to_owned(),
                ))
            }
            Rule::number => span
                .as_str()
                .parse::<i32>()
                .map(|n| Expr::Number(i64::from(n)))
                .map_err(|_| self.err(PathErrorKind::IllegalNumber, span.start())),
            Rule::paren => {
                let mut children = pair.into_inner();
                let e = self.expr(self.next(&mut children)?)?;
                if let Some(unmatched) = children.next() {
                    self.check(&unmatched)?;
                }
                Ok(e)
            }
            Rule::variable => {
                let name = self.next(&mut pair.into_inner())?;
                self.check(&name)?;
                Ok(Expr::Var(name.as_str().to_owned()))
            }
            Rule::call => self.call(pair),
            _ => Err(self.unexpected(span.start())),
        }
    }

    fn call(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        let end = pair.as_span().end();
        let mut children = pair.into_inner();
        let name = self.next(&mut children)?;
        let func = Func::from_name(name.as_str())
            .ok_or_else(|| self.err(PathErrorKind::EmptyName, name.as_span().start()))?;
        // The call counts once its `(` is read.
        let rest = self.text.get(name.as_span().end()..).unwrap_or("");
        let open = name.as_span().end() + rest.len() - rest.trim_start_matches(is_space).len();
        self.grow(open + 1)?;
        let mut args = Vec::new();
        for child in children {
            if child.as_rule() == Rule::expr {
                args.push(self.expr(child)?);
            } else {
                self.check(&child)?;
            }
        }
        if !func.accepts(args.len()) {
            return Err(self.err(PathErrorKind::Arity, end));
        }
        Ok(Expr::Call(func, args))
    }
}

/// C's `isspace` in the C locale.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// The operator `text` of an `eq_op`, `rel_op` or `add_op`.
fn operator(text: &str) -> BinOp {
    match text {
        "=~" => BinOp::Match,
        "!~" => BinOp::NoMatch,
        "=" => BinOp::Eq,
        "!=" => BinOp::Neq,
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "-" => BinOp::Minus,
        _ => BinOp::Plus,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// pest's calls, and so the time taken, grow linearly with the length of the text,
    /// even for text that fails (the error rules take the rest of the text) and text
    /// with thousands of operators (refused after the parse).
    #[test]
    fn parsing_is_linear() {
        const UNITS: &[&str] = &[
            "a/",
            "a b ",
            "1+",
            "a or ",
            "a[1]",
            "count (",
            " ",
            "'",
            "x\\ ",
            "$x|",
            "child ",
            "descendant-or-self  ",
            "(((",
            "[[[",
            ". . ",
            "a | b ",
            "(1)[",
            "$x/",
            "\\",
        ];
        let len = 100_000;
        pest::set_call_limit(std::num::NonZeroUsize::new(CALLS_PER_BYTE * len));
        let over: Vec<_> = UNITS
            .iter()
            .map(|u| u.repeat(len / u.len()))
            .filter(|e| pest_parse(e).is_err())
            .collect();
        pest::set_call_limit(None);
        assert!(over.is_empty(), "{} texts took too many calls", over.len());
    }

    /// The most calls pest may make per byte of text: the worst of `UNITS` takes about 40
    /// (measured with `pest::set_call_limit`).
    const CALLS_PER_BYTE: usize = 60;

    /// The paths [`plain_path`] reads give the AST the grammar gives, and the texts it
    /// leaves to the grammar include every near miss: random texts over an alphabet of
    /// plain characters, the characters that end or escape names, blanks, axes and
    /// operators.
    #[test]
    fn plain_paths_read_as_the_grammar_reads_them() {
        let grammar = |t: &str| parse_grammar(t).map(|p| (p.expr, p.has_else));
        let fast = |t: &str| plain_path(t).map(|e| (e, false));
        for t in [
            "/files/etc/hosts/1/ipaddr",
            "/files/etc/passwd/root/shell",
            "/augeas/files/etc/hosts/error/message",
            "/files/etc/hosts/#comment",
            "/files/etc/logrotate.d/apt/rule/file",
            "/files/etc/sysctl.conf/net.ipv4.ip_forward",
            "/files/or/and/else/child/root/rootfs/.x/x./...a/@x/-",
            "/1/2",
        ] {
            assert_eq!(fast(t).map(Ok), Some(grammar(t)), "{t}");
        }
        for t in [
            "",
            "/",
            "//a",
            "/a/",
            "/a//b",
            "/.",
            "/..",
            "/a/.",
            "/a/../b",
            "/...",
            "a/b",
            "/a b",
            "/a\\b",
            "/a[1]",
            "/a/*",
            "/child::a",
            "/a|/b",
            "/$x",
            "/a=1",
            "/a or /b",
        ] {
            assert_eq!(fast(t), None, "{t:?}");
        }
        use proptest::prelude::*;
        let alphabet = prop::sample::select(vec![
            "a", "Z", "0", "9", "_", "-", ".", "#", "@", "/", "//", " ", "\\", "[1]", "*", "::",
            "child::", "or", " or ", "and", "else", "(", ")", "|", "=", "'", "$x", "!", ",", "..",
            "\t",
        ]);
        let texts = prop::collection::vec(alphabet, 0..12).prop_map(|v| v.concat());
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(&texts, |t| {
                let t = format!("/{t}");
                if let Some(fast) = fast(&t) {
                    prop_assert_eq!(Ok(fast), grammar(&t), "{:?}", t);
                }
                Ok(())
            })
            .unwrap();
    }

    /// The grammar's `too_deep` rule and [`MAX_NESTING`] agree; predicates and operators
    /// are counted at Augeas's positions.
    #[test]
    fn nesting_and_operators_are_limited() {
        let parens = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&parens(MAX_NESTING)).is_ok());
        let e = parse(&parens(MAX_NESTING + 1)).unwrap_err();
        assert_eq!((e.kind, e.pos), (PathErrorKind::TooDeep, MAX_NESTING + 1));
        let preds = |n: usize| format!("{}1{}", "a[".repeat(n), "]".repeat(n));
        assert!(parse(&preds(MAX_NESTING)).is_ok());
        let e = parse(&preds(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(
            (e.kind, e.pos),
            (PathErrorKind::TooDeep, 2 * (MAX_NESTING + 1))
        );
        let ops = |n: usize| format!("1{}", "+1".repeat(n));
        assert!(parse(&ops(MAX_NESTING)).is_ok());
        let e = parse(&ops(MAX_NESTING + 1)).unwrap_err();
        assert_eq!(
            (e.kind, e.pos),
            (PathErrorKind::TooDeep, 2 * MAX_NESTING + 3)
        );
    }
}
