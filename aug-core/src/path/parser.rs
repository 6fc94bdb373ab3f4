//! The parser: runs the pest grammar and converts its parse tree into our [`Expr`] AST,
//! mapping failures to Augeas's minor error messages.

use super::ast::{Axis, BinOp, Expr, Func, LocPath, Start, Step};
use super::error::{PathError, PathErrorKind};
use pest::Parser as _;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "path/grammar.pest"]
struct PathxParser;

/// How deeply parentheses, brackets and function calls may nest. Augeas has no limit and
/// overflows its stack; we refuse cleanly instead.
pub const MAX_NESTING: usize = 1000;

/// Parses `text` into an [`Expr`].
pub fn parse(text: &str) -> Result<Expr, PathError> {
    let depth = check_nesting(text)?;
    if depth <= 8 {
        return parse_here(text);
    }
    // The pest parser recurses about a dozen rules deep per nesting level; give it a
    // stack of its own that is big enough for the nesting we allow.
    stacker::grow(depth * STACK_PER_LEVEL + (1 << 20), || parse_here(text))
}

/// Stack needed per level of parentheses, generously (debug builds use much more than
/// release builds).
const STACK_PER_LEVEL: usize = 64 * 1024;

/// Red zone and growth for the recursive converter and evaluator.
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const GROW: usize = 4 << 20;

fn parse_here(text: &str) -> Result<Expr, PathError> {
    let mut pairs = match PathxParser::parse(Rule::pathx, text) {
        Ok(p) => p,
        Err(e) => return Err(map_pest_error(text, &e)),
    };
    let conv = Converter {
        text,
        composite: std::cell::Cell::new(0),
    };
    let expr = pairs
        .next()
        .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::expr))
        .ok_or_else(|| PathError::new(PathErrorKind::IllegalString, text, 0))?;
    conv.expr(expr)
}

/// Refuses nesting deeper than [`MAX_NESTING`]; returns the deepest nesting.
fn check_nesting(text: &str) -> Result<usize, PathError> {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if escaped {
            escaped = false;
            continue;
        }
        match b {
            b'\\' => escaped = true,
            b'(' | b'[' => {
                depth += 1;
                max = max.max(depth);
                if depth > MAX_NESTING {
                    return Err(PathError::new(PathErrorKind::TooDeep, text, i));
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(max)
}

fn map_pest_error(text: &str, e: &pest::error::Error<Rule>) -> PathError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((p, _)) => p,
    };
    let positives: &[Rule] = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
        pest::error::ErrorVariant::CustomError { .. } => &[],
    };
    let rest = text.get(pos..).unwrap_or("");
    let before = text.get(..pos).unwrap_or("").trim_end();
    let kind = if let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
        if rest.get(1..).is_some_and(|r| r.contains(q)) {
            PathErrorKind::IllegalString
        } else {
            return PathError::new(PathErrorKind::MissingDelim, text, text.len());
        }
    } else if rest.starts_with('\\') {
        PathErrorKind::EmptyName
    } else if positives.contains(&Rule::rbracket) {
        PathErrorKind::UnmatchedBracket
    } else if positives.contains(&Rule::rparen) {
        PathErrorKind::UnmatchedParen
    } else if positives.contains(&Rule::EOI) {
        PathErrorKind::Garbage
    } else if rest.trim().is_empty() && (before.is_empty() || before.ends_with('[')) {
        PathErrorKind::IllegalString
    } else {
        PathErrorKind::EmptyName
    };
    PathError::new(kind, text, pos)
}

struct Converter<'a> {
    text: &'a str,
    /// How many operators, calls and filters were built so far; bounds the depth of the
    /// AST, which is evaluated (and dropped) recursively.
    composite: std::cell::Cell<usize>,
}

impl Converter<'_> {
    fn err(&self, kind: PathErrorKind, pos: usize) -> PathError {
        PathError::new(kind, self.text, pos)
    }

    /// Counts one more composite node at `pos`, refusing expressions that are too big.
    fn grow(&self, pos: usize) -> Result<(), PathError> {
        let n = self.composite.get() + 1;
        self.composite.set(n);
        if n > MAX_NESTING {
            return Err(self.err(PathErrorKind::TooDeep, pos));
        }
        Ok(())
    }

    fn internal(&self, pair: &Pair<'_, Rule>) -> PathError {
        // The grammar guarantees the shapes the converter expects; reaching this means the
        // grammar and the converter disagree.
        self.err(PathErrorKind::EmptyName, pair.as_span().start())
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr, PathError> {
        stacker::maybe_grow(RED_ZONE, GROW, || self.expr_here(pair))
    }

    fn expr_here(&self, pair: Pair<'_, Rule>) -> Result<Expr, PathError> {
        match pair.as_rule() {
            Rule::expr
            | Rule::or_expr
            | Rule::and_expr
            | Rule::eq_expr
            | Rule::rel_expr
            | Rule::add_expr
            | Rule::mul_expr
            | Rule::union_expr => self.binary_chain(pair),
            Rule::path_expr => {
                let inner = pair.into_inner().next();
                match inner {
                    Some(p) => self.expr(p),
                    None => Err(self.err(PathErrorKind::EmptyName, 0)),
                }
            }
            Rule::filter_path => self.filter_path(pair),
            Rule::location_path => self.location_path(pair),
            Rule::primary => match pair.clone().into_inner().next() {
                Some(p) => self.primary(p),
                None => Err(self.internal(&pair)),
            },
            _ => Err(self.internal(&pair)),
        }
    }

    fn binary_chain(&self, pair: Pair<'_, Rule>) -> Result<Expr, PathError> {
        let mut inner = pair.clone().into_inner();
        let first = inner.next().ok_or_else(|| self.internal(&pair))?;
        let mut acc = self.expr(first)?;
        while let Some(op) = inner.next() {
            let op_pos = op.as_span().start();
            let op = match (op.as_rule(), op.as_str()) {
                (Rule::kw_else, _) => BinOp::Else,
                (Rule::kw_or, _) => BinOp::Or,
                (Rule::kw_and, _) => BinOp::And,
                (Rule::eq_op, "=") => BinOp::Eq,
                (Rule::eq_op, "!=") => BinOp::Neq,
                (Rule::eq_op, "=~") => BinOp::Match,
                (Rule::eq_op, _) => BinOp::NoMatch,
                (Rule::rel_op, "<") => BinOp::Lt,
                (Rule::rel_op, "<=") => BinOp::Le,
                (Rule::rel_op, ">") => BinOp::Gt,
                (Rule::rel_op, _) => BinOp::Ge,
                (Rule::add_op, "+") => BinOp::Plus,
                (Rule::add_op, _) => BinOp::Minus,
                (Rule::mul_op, _) => BinOp::Star,
                (Rule::union_op, _) => BinOp::Union,
                _ => return Err(self.internal(&op)),
            };
            self.grow(op_pos)?;
            let rhs = inner.next().ok_or_else(|| self.internal(&pair))?;
            let rhs = self.expr(rhs)?;
            acc = Expr::Binary(op, Box::new(acc), Box::new(rhs));
        }
        Ok(acc)
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Result<Expr, PathError> {
        let start = pair.as_span().start();
        match pair.as_rule() {
            Rule::literal => {
                let s = pair.into_inner().next().map_or("", |p| p.as_str());
                Ok(Expr::Literal(s.to_owned()))
            }
            Rule::number => {
                let n: i32 = pair
                    .as_str()
                    .parse()
                    .map_err(|_| self.err(PathErrorKind::IllegalNumber, start))?;
                Ok(Expr::Number(i64::from(n)))
            }
            Rule::variable => {
                let name = pair.into_inner().next().map_or("", |p| p.as_str());
                Ok(Expr::Var(name.to_owned()))
            }
            Rule::function_call => {
                let end = pair.as_span().end();
                self.grow(start)?;
                let mut inner = pair.clone().into_inner();
                let name = inner.next().ok_or_else(|| self.internal(&pair))?;
                let func = Func::from_name(name.as_str())
                    .ok_or_else(|| self.err(PathErrorKind::EmptyName, start))?;
                let mut args = Vec::new();
                for a in inner {
                    if a.as_rule() == Rule::expr {
                        args.push(self.expr(a)?);
                    }
                }
                if !func.accepts(args.len()) {
                    return Err(self.err(PathErrorKind::Arity, end));
                }
                Ok(Expr::Call(func, args))
            }
            Rule::paren_expr => {
                let e = pair
                    .clone()
                    .into_inner()
                    .next()
                    .ok_or_else(|| self.internal(&pair))?;
                self.expr(e)
            }
            _ => Err(self.internal(&pair)),
        }
    }

    fn predicate(&self, pair: Pair<'_, Rule>) -> Result<Expr, PathError> {
        let e = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| self.internal(&pair))?;
        self.expr(e)
    }

    fn filter_path(&self, pair: Pair<'_, Rule>) -> Result<Expr, PathError> {
        let mut primary = None;
        let mut preds = Vec::new();
        let mut steps = Vec::new();
        let mut has_path = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::primary => primary = Some(self.expr(p)?),
                Rule::predicate => preds.push(self.predicate(p)?),
                Rule::path_sep => {
                    has_path = true;
                    if p.as_str() == "//" {
                        steps.push(desc_or_self());
                    }
                }
                Rule::rel_path => self.rel_path(p, &mut steps)?,
                _ => return Err(self.internal(&p)),
            }
        }
        let primary = primary.ok_or_else(|| self.err(PathErrorKind::EmptyName, 0))?;
        if preds.is_empty() && !has_path {
            return Ok(primary);
        }
        self.grow(0)?;
        Ok(Expr::Path(Box::new(LocPath {
            start: Start::Filter(primary, preds),
            steps,
        })))
    }

    fn location_path(&self, pair: Pair<'_, Rule>) -> Result<Expr, PathError> {
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| self.internal(&pair))?;
        let mut steps = Vec::new();
        let start = match inner.as_rule() {
            Rule::abs_desc_path => {
                steps.push(desc_or_self());
                for p in inner.into_inner() {
                    self.rel_path(p, &mut steps)?;
                }
                Start::Root
            }
            Rule::abs_path => {
                for p in inner.into_inner() {
                    self.rel_path(p, &mut steps)?;
                }
                Start::Root
            }
            _ => {
                self.rel_path(inner, &mut steps)?;
                Start::Context
            }
        };
        Ok(Expr::Path(Box::new(LocPath { start, steps })))
    }

    fn rel_path(&self, pair: Pair<'_, Rule>, steps: &mut Vec<Step>) -> Result<(), PathError> {
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::path_sep => {
                    if p.as_str() == "//" {
                        steps.push(desc_or_self());
                    }
                }
                Rule::step => steps.push(self.step(p)?),
                _ => return Err(self.internal(&p)),
            }
        }
        Ok(())
    }

    fn step(&self, pair: Pair<'_, Rule>) -> Result<Step, PathError> {
        let inner = pair
            .clone()
            .into_inner()
            .next()
            .ok_or_else(|| self.internal(&pair))?;
        match inner.as_rule() {
            Rule::parent_step => Ok(Step {
                axis: Axis::Parent,
                name: None,
                predicates: Vec::new(),
            }),
            Rule::self_step => Ok(Step {
                axis: Axis::SelfAxis,
                name: None,
                predicates: Vec::new(),
            }),
            _ => {
                let mut step = Step {
                    axis: Axis::Child,
                    name: None,
                    predicates: Vec::new(),
                };
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::axis => {
                            step.axis =
                                Axis::from_name(p.as_str()).ok_or_else(|| self.internal(&p))?;
                        }
                        Rule::node_test => {
                            if let Some(n) = p.into_inner().next()
                                && n.as_rule() == Rule::name
                            {
                                let name = unescape_name(n.as_str());
                                if name.is_empty() {
                                    return Err(
                                        self.err(PathErrorKind::EmptyName, n.as_span().start())
                                    );
                                }
                                step.name = Some(name);
                            }
                        }
                        Rule::predicate => {
                            self.grow(p.as_span().start())?;
                            step.predicates.push(self.predicate(p)?);
                        }
                        _ => return Err(self.internal(&p)),
                    }
                }
                Ok(step)
            }
        }
    }
}

fn desc_or_self() -> Step {
    Step {
        axis: Axis::DescendantOrSelf,
        name: None,
        predicates: Vec::new(),
    }
}

/// Turns the text of a name into a label: strips unescaped leading and trailing
/// whitespace and removes the backslashes of escapes.
pub fn unescape_name(raw: &str) -> String {
    let raw = raw.trim_start();
    let mut out = String::with_capacity(raw.len());
    // Length of `out` up to the last character that was escaped or not whitespace.
    let mut keep = 0;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(e) = chars.next() {
                out.push(e);
                keep = out.len();
            }
        } else {
            out.push(c);
            if !c.is_whitespace() {
                keep = out.len();
            }
        }
    }
    out.truncate(keep);
    out
}
