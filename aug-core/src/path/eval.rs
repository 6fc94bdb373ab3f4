//! The evaluator: static type checking and evaluation of an [`Expr`] against a [`Tree`].

use super::ast::{Axis, BinOp, Expr, Func, LocPath, Start, Step};
use super::error::{PathError, PathErrorKind};
use super::regex_bridge::{self, Matcher};
use crate::tree::{NodeId, Tree};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// The result of evaluating a path expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A node set, in the order Augeas produces it (document order for forward axes,
    /// nearest first for reverse axes).
    NodeSet(Vec<NodeId>),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Number(i64),
    /// A string.
    String(String),
    /// A regexp in Augeas's dialect plus the case-folding flag.
    Regexp {
        /// The pattern; `None` for the regexp that matches nothing (e.g. `regexp()` of a
        /// node set whose values are all missing).
        pattern: Option<String>,
        /// Whether the regexp ignores ASCII case.
        nocase: bool,
    },
}

impl Value {
    fn ty(&self) -> Type {
        match self {
            Value::NodeSet(_) => Type::NodeSet,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::Regexp { .. } => Type::Regexp,
        }
    }

    /// Augeas's coercion to a boolean (for `and`, `or` and `else`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::NodeSet(ns) => !ns.is_empty(),
            Value::Bool(b) => *b,
            Value::Number(n) => *n > 0,
            Value::String(s) => !s.is_empty(),
            Value::Regexp { .. } => true,
        }
    }
}

/// Variables visible to path expressions (`$name`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars {
    map: HashMap<String, Value>,
}

impl Vars {
    /// No variables.
    pub fn new() -> Vars {
        Vars::default()
    }

    /// Defines (or redefines) `name`.
    pub fn set(&mut self, name: &str, value: Value) {
        self.map.insert(name.to_owned(), value);
    }

    /// Removes `name`; returns whether it was defined.
    pub fn remove(&mut self, name: &str) -> bool {
        self.map.remove(name).is_some()
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name)
    }

    /// The names of all variables, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.map.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

/// Static types of expressions. `Any` is the type of a variable before evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    NodeSet,
    Bool,
    Number,
    String,
    Regexp,
    Any,
}

fn is(t: Type, want: &[Type]) -> bool {
    t == Type::Any || want.contains(&t)
}

/// The result type of a binary operator, or `None` for a type error.
fn binary_type(op: BinOp, l: Type, r: Type) -> Option<Type> {
    use Type::*;
    let any = l == Any || r == Any;
    match op {
        BinOp::Else => Some(if l == r { l } else { Any }),
        BinOp::Or | BinOp::And => Some(Bool),
        BinOp::Eq | BinOp::Neq => ((is(l, &[NodeSet, String]) && is(r, &[NodeSet, String]))
            || (is(l, &[Number]) && is(r, &[Number])))
        .then_some(Bool),
        BinOp::Match | BinOp::NoMatch => {
            (is(l, &[String, NodeSet]) && is(r, &[Regexp])).then_some(Bool)
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => ((is(l, &[Number]) && is(r, &[Number]))
            || (is(l, &[String]) && is(r, &[String])))
        .then_some(Bool),
        BinOp::Plus => {
            if any {
                Some(if l == Any { r } else { l })
            } else {
                (l == r && matches!(l, Number | String | Regexp)).then_some(l)
            }
        }
        BinOp::Minus | BinOp::Star => (is(l, &[Number]) && is(r, &[Number])).then_some(Number),
        BinOp::Union => (is(l, &[NodeSet]) && is(r, &[NodeSet])).then_some(NodeSet),
    }
}

/// Checks the types of `e` statically, as Augeas does while parsing. Returns the type of
/// `e`, or `None` on a type error.
pub(crate) fn typecheck(e: &Expr) -> Option<Type> {
    stacker::maybe_grow(super::parser::RED_ZONE, super::parser::GROW, || {
        typecheck_here(e)
    })
}

fn typecheck_here(e: &Expr) -> Option<Type> {
    use Type::*;
    match e {
        Expr::Literal(_) => Some(String),
        Expr::Number(_) => Some(Number),
        Expr::Var(_) => Some(Any),
        Expr::Call(f, args) => {
            let mut tys = Vec::with_capacity(args.len());
            for a in args {
                tys.push(typecheck(a)?);
            }
            let arg = |i: usize| tys.get(i).copied().unwrap_or(Any);
            match f {
                Func::Last | Func::Position | Func::Count => {
                    (*f != Func::Count || is(arg(0), &[NodeSet])).then_some(Number)
                }
                Func::Label => Some(String),
                Func::Regexp => (is(arg(0), &[String, NodeSet])
                    && (tys.len() < 2 || is(arg(1), &[String])))
                .then_some(Regexp),
                Func::Glob => is(arg(0), &[String, NodeSet]).then_some(Regexp),
                Func::Int => is(arg(0), &[String, NodeSet, Bool, Number]).then_some(Number),
                Func::Modified => Some(Bool),
                Func::Not => is(arg(0), &[Bool]).then_some(Bool),
            }
        }
        Expr::Binary(op, l, r) => binary_type(*op, typecheck(l)?, typecheck(r)?),
        Expr::Path(lp) => {
            if let Start::Filter(p, preds) = &lp.start {
                let t = typecheck(p)?;
                if (!preds.is_empty() || !lp.steps.is_empty()) && !is(t, &[NodeSet]) {
                    return None;
                }
                for pr in preds {
                    check_predicate(pr)?;
                }
                if lp.steps.is_empty() {
                    return Some(t);
                }
            }
            for s in &lp.steps {
                for pr in &s.predicates {
                    check_predicate(pr)?;
                }
            }
            Some(NodeSet)
        }
    }
}

/// A predicate may have any type but regexp.
fn check_predicate(e: &Expr) -> Option<Type> {
    typecheck(e).filter(|t| *t != Type::Regexp)
}

/// The context of an evaluation: a node, its position in the node set being filtered and
/// the size of that set (for `position()` and `last()`).
#[derive(Debug, Clone, Copy)]
struct Ctx {
    node: NodeId,
    pos: usize,
    size: usize,
}

/// How far a path got: the node set before the first step and after each step.
pub(crate) type Trace = Vec<Vec<NodeId>>;

/// One evaluation of an expression.
pub(crate) struct Evaluator<'a> {
    tree: &'a Tree,
    vars: &'a Vars,
    text: &'a str,
    regexps: HashMap<(String, bool), Rc<Matcher>>,
}

type R<T> = Result<T, PathError>;

impl<'a> Evaluator<'a> {
    pub(crate) fn new(tree: &'a Tree, vars: &'a Vars, text: &'a str) -> Evaluator<'a> {
        Evaluator {
            tree,
            vars,
            text,
            regexps: HashMap::new(),
        }
    }

    fn err(&self, kind: PathErrorKind) -> PathError {
        PathError::new(kind, self.text, self.text.len())
    }

    /// Evaluates `e` with `node` as the context node.
    pub(crate) fn eval_at(&mut self, e: &Expr, node: NodeId) -> R<Value> {
        self.eval(
            e,
            Ctx {
                node,
                pos: 1,
                size: 1,
            },
        )
    }

    /// Evaluates a path and returns the node set after each step (see [`Trace`]).
    pub(crate) fn trace_at(&mut self, lp: &LocPath, node: NodeId) -> R<Trace> {
        let ctx = Ctx {
            node,
            pos: 1,
            size: 1,
        };
        let mut trace = Vec::with_capacity(lp.steps.len() + 1);
        self.path(lp, ctx, Some(&mut trace))?;
        Ok(trace)
    }

    fn eval(&mut self, e: &Expr, ctx: Ctx) -> R<Value> {
        stacker::maybe_grow(super::parser::RED_ZONE, super::parser::GROW, || {
            self.eval_here(e, ctx)
        })
    }

    fn eval_here(&mut self, e: &Expr, ctx: Ctx) -> R<Value> {
        Ok(match e {
            Expr::Literal(s) => Value::String(s.clone()),
            Expr::Number(n) => Value::Number(*n),
            Expr::Var(name) => match self.vars.get(name) {
                Some(Value::NodeSet(ns)) => Value::NodeSet(
                    ns.iter()
                        .copied()
                        .filter(|&n| self.tree.contains(n))
                        .collect(),
                ),
                Some(v) => v.clone(),
                None => return Err(self.err(PathErrorKind::UndefinedVariable)),
            },
            Expr::Call(f, args) => self.call(*f, args, ctx)?,
            Expr::Binary(op, l, r) => self.binary(*op, l, r, ctx)?,
            Expr::Path(lp) => {
                let (start_only, v) = match &lp.start {
                    Start::Filter(p, preds) if lp.steps.is_empty() && preds.is_empty() => {
                        (true, self.eval(p, ctx)?)
                    }
                    _ => (false, Value::Bool(false)),
                };
                if start_only {
                    v
                } else {
                    Value::NodeSet(self.path(lp, ctx, None)?)
                }
            }
        })
    }

    fn nodeset(&mut self, e: &Expr, ctx: Ctx) -> R<Vec<NodeId>> {
        match self.eval(e, ctx)? {
            Value::NodeSet(ns) => Ok(ns),
            _ => Err(self.err(PathErrorKind::Type)),
        }
    }

    fn path(&mut self, lp: &LocPath, ctx: Ctx, mut trace: Option<&mut Trace>) -> R<Vec<NodeId>> {
        let mut cur = match &lp.start {
            Start::Context => vec![ctx.node],
            Start::Root => vec![self.tree.root()],
            Start::Filter(p, preds) => {
                let ns = self.nodeset(p, ctx)?;
                self.predicates(ns, preds)?
            }
        };
        if let Some(t) = trace.as_deref_mut() {
            t.push(cur.clone());
        }
        for step in &lp.steps {
            cur = self.step(&cur, step)?;
            if let Some(t) = trace.as_deref_mut() {
                t.push(cur.clone());
            }
        }
        Ok(cur)
    }

    /// One step: the axis from every node of `from` (duplicates dropped, first occurrence
    /// kept), then the predicates over that whole set, as Augeas does (so
    /// `*/alias[1]` is the first alias overall, not the first of each parent).
    fn step(&mut self, from: &[NodeId], step: &Step) -> R<Vec<NodeId>> {
        // One node yields no duplicates, nor do child-like axes from distinct nodes.
        let dedup =
            from.len() > 1 && !matches!(step.axis, Axis::Child | Axis::Seq | Axis::SelfAxis);
        let mut seen: HashSet<NodeId> = HashSet::new();
        let mut out = Vec::new();
        for &n in from {
            for k in self.axis(n, step) {
                if !dedup || seen.insert(k) {
                    out.push(k);
                }
            }
        }
        self.predicates(out, &step.predicates)
    }

    fn name_matches(&self, step: &Step, n: NodeId) -> bool {
        let label = self.tree.label(n);
        // `seq::*` matches numbered nodes only; `seq::NAME` is `child::NAME`, as in Augeas.
        if step.axis == Axis::Seq
            && step.name.is_none()
            && !label.is_some_and(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        {
            return false;
        }
        match &step.name {
            None => step.axis == Axis::Root || label.is_some(),
            Some(name) => label == Some(name.as_str()),
        }
    }

    fn axis(&self, n: NodeId, step: &Step) -> Vec<NodeId> {
        let t = self.tree;
        let keep = |v: &mut Vec<NodeId>, c: NodeId| {
            if self.name_matches(step, c) {
                v.push(c);
            }
        };
        let mut out = Vec::new();
        match step.axis {
            Axis::SelfAxis => keep(&mut out, n),
            Axis::Child | Axis::Seq => {
                for &c in t.children(n) {
                    keep(&mut out, c);
                }
            }
            Axis::Descendant => {
                for d in t.descendants_or_self(n).skip(1) {
                    keep(&mut out, d);
                }
            }
            Axis::DescendantOrSelf => {
                for d in t.descendants_or_self(n) {
                    keep(&mut out, d);
                }
            }
            Axis::Parent => {
                if let Some(p) = t.parent(n) {
                    keep(&mut out, p);
                }
            }
            Axis::Ancestor => {
                for a in t.ancestors_or_self(n).skip(1) {
                    keep(&mut out, a);
                }
            }
            Axis::Root => keep(&mut out, t.root()),
            Axis::PrecedingSibling | Axis::FollowingSibling => {
                if let Some(p) = t.parent(n) {
                    let sibs = t.children(p);
                    let idx = sibs.iter().position(|&c| c == n).unwrap_or(0);
                    if step.axis == Axis::PrecedingSibling {
                        for &c in sibs.get(..idx).unwrap_or_default().iter().rev() {
                            keep(&mut out, c);
                        }
                    } else {
                        for &c in sibs.get(idx + 1..).unwrap_or_default() {
                            keep(&mut out, c);
                        }
                    }
                }
            }
        }
        out
    }

    fn predicates(&mut self, mut nodes: Vec<NodeId>, preds: &[Expr]) -> R<Vec<NodeId>> {
        for p in preds {
            if nodes.is_empty() {
                break;
            }
            nodes = self.filter(nodes, p)?;
        }
        Ok(nodes)
    }

    /// Keeps the nodes of `nodes` for which the predicate `p` holds.
    fn filter(&mut self, nodes: Vec<NodeId>, p: &Expr) -> R<Vec<NodeId>> {
        match p {
            // A constant position needs no evaluation per node.
            Expr::Number(k) => {
                let k = usize::try_from(*k).unwrap_or(0);
                Ok(k.checked_sub(1)
                    .and_then(|i| nodes.get(i))
                    .map(|&n| vec![n])
                    .unwrap_or_default())
            }
            // `[last()]` needs no evaluation per node either.
            Expr::Call(Func::Last, args) if args.is_empty() => {
                Ok(nodes.last().map(|&n| vec![n]).unwrap_or_default())
            }
            // `a else b` in a predicate: b is only tried when a holds for no node. Both
            // sides are taken as booleans (so `[x else 1]` keeps every node).
            Expr::Binary(BinOp::Else, a, b) => {
                let first = self.filter_truthy(&nodes, a)?;
                if first.is_empty() {
                    self.filter_truthy(&nodes, b)
                } else {
                    Ok(first)
                }
            }
            _ => {
                let size = nodes.len();
                let mut out = Vec::new();
                for (i, &n) in nodes.iter().enumerate() {
                    let ctx = Ctx {
                        node: n,
                        pos: i + 1,
                        size,
                    };
                    let keep = match self.eval(p, ctx)? {
                        Value::Number(k) => usize::try_from(k).is_ok_and(|k| k == ctx.pos),
                        Value::String(s) => self.tree.value(n) == Some(s.as_str()),
                        v => v.truthy(),
                    };
                    if keep {
                        out.push(n);
                    }
                }
                Ok(out)
            }
        }
    }

    /// The nodes for which `p`, coerced to a boolean, holds (one pass of `else`).
    fn filter_truthy(&mut self, nodes: &[NodeId], p: &Expr) -> R<Vec<NodeId>> {
        if let Expr::Binary(BinOp::Else, a, b) = p {
            let first = self.filter_truthy(nodes, a)?;
            return if first.is_empty() {
                self.filter_truthy(nodes, b)
            } else {
                Ok(first)
            };
        }
        let size = nodes.len();
        let mut out = Vec::new();
        for (i, &n) in nodes.iter().enumerate() {
            let ctx = Ctx {
                node: n,
                pos: i + 1,
                size,
            };
            if self.eval(p, ctx)?.truthy() {
                out.push(n);
            }
        }
        Ok(out)
    }

    fn value_of(&self, n: NodeId) -> &str {
        self.tree.value(n).unwrap_or("")
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, ctx: Ctx) -> R<Value> {
        match op {
            BinOp::Else => {
                let lv = self.eval(l, ctx)?;
                return if lv.truthy() {
                    Ok(lv)
                } else {
                    self.eval(r, ctx)
                };
            }
            BinOp::And => {
                let lv = self.eval(l, ctx)?.truthy();
                return Ok(Value::Bool(lv && self.eval(r, ctx)?.truthy()));
            }
            BinOp::Or => {
                let lv = self.eval(l, ctx)?.truthy();
                return Ok(Value::Bool(lv || self.eval(r, ctx)?.truthy()));
            }
            _ => {}
        }
        let lv = self.eval(l, ctx)?;
        let rv = self.eval(r, ctx)?;
        if binary_type(op, lv.ty(), rv.ty()).is_none() {
            return Err(self.err(PathErrorKind::Type));
        }
        Ok(match (op, lv, rv) {
            (BinOp::Eq | BinOp::Neq, a, b) => Value::Bool(self.equal(op == BinOp::Eq, &a, &b)),
            (BinOp::Match | BinOp::NoMatch, a, Value::Regexp { pattern, nocase }) => {
                let m = match pattern {
                    Some(p) => self.regexp(&p, nocase)?,
                    None => Rc::new(Matcher::never()),
                };
                let any = match &a {
                    Value::NodeSet(ns) => ns.iter().any(|&n| m.is_match(self.value_of(n))),
                    Value::String(s) => m.is_match(s),
                    _ => return Err(self.err(PathErrorKind::Type)),
                };
                Value::Bool(any == (op == BinOp::Match))
            }
            (op, Value::Number(a), Value::Number(b)) => match op {
                BinOp::Lt => Value::Bool(a < b),
                BinOp::Le => Value::Bool(a <= b),
                BinOp::Gt => Value::Bool(a > b),
                BinOp::Ge => Value::Bool(a >= b),
                BinOp::Plus => Value::Number(a.wrapping_add(b)),
                BinOp::Minus => Value::Number(a.wrapping_sub(b)),
                _ => Value::Number(a.wrapping_mul(b)),
            },
            (op, Value::String(a), Value::String(b)) => match op {
                BinOp::Lt => Value::Bool(a < b),
                BinOp::Le => Value::Bool(a <= b),
                BinOp::Gt => Value::Bool(a > b),
                BinOp::Ge => Value::Bool(a >= b),
                _ => Value::String(a + &b),
            },
            (
                BinOp::Plus,
                Value::Regexp { pattern: a, nocase },
                Value::Regexp { pattern: b, .. },
            ) => Value::Regexp {
                pattern: a.zip(b).map(|(a, b)| format!("({a})({b})")),
                nocase,
            },
            // Like Augeas 1.14, a union keeps duplicates.
            (BinOp::Union, Value::NodeSet(mut a), Value::NodeSet(b)) => {
                a.extend(b);
                Value::NodeSet(a)
            }
            _ => return Err(self.err(PathErrorKind::Type)),
        })
    }

    /// `=` (or `!=` when `eq` is false) with Augeas's existential node-set semantics; a
    /// missing value compares equal to `''`.
    fn equal(&self, eq: bool, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::NodeSet(x), Value::NodeSet(y)) => {
                if eq {
                    let vals: HashSet<&str> = y.iter().map(|&n| self.value_of(n)).collect();
                    x.iter().any(|&n| vals.contains(self.value_of(n)))
                } else {
                    // Some pair differs unless both sides hold one and the same value.
                    let mut vals = x.iter().chain(y.iter()).map(|&n| self.value_of(n));
                    match vals.next() {
                        None => false,
                        Some(first) => !x.is_empty() && !y.is_empty() && vals.any(|v| v != first),
                    }
                }
            }
            (Value::NodeSet(x), Value::String(s)) | (Value::String(s), Value::NodeSet(x)) => {
                x.iter().any(|&n| (self.value_of(n) == s) == eq)
            }
            (Value::String(a), Value::String(b)) => (a == b) == eq,
            (Value::Number(a), Value::Number(b)) => (a == b) == eq,
            (Value::Bool(a), Value::Bool(b)) => (a == b) == eq,
            _ => false,
        }
    }

    fn regexp(&mut self, pattern: &str, nocase: bool) -> R<Rc<Matcher>> {
        let key = (pattern.to_owned(), nocase);
        if let Some(m) = self.regexps.get(&key) {
            return Ok(Rc::clone(m));
        }
        let m = regex_bridge::compile_translated(pattern, nocase)
            .map_err(|e| self.err(PathErrorKind::Regexp).with_details(e))?;
        let m = Rc::new(m);
        self.regexps.insert(key, Rc::clone(&m));
        Ok(m)
    }

    fn call(&mut self, f: Func, args: &[Expr], ctx: Ctx) -> R<Value> {
        let arg = |i: usize| args.get(i);
        Ok(match f {
            Func::Last => Value::Number(i64::try_from(ctx.size).unwrap_or(i64::MAX)),
            Func::Position => Value::Number(i64::try_from(ctx.pos).unwrap_or(i64::MAX)),
            Func::Label => Value::String(self.tree.label(ctx.node).unwrap_or("").to_owned()),
            Func::Modified => Value::Bool(self.tree.is_dirty(ctx.node)),
            Func::Count => {
                let e = arg(0).ok_or_else(|| self.err(PathErrorKind::Arity))?;
                let ns = self.nodeset(e, ctx)?;
                Value::Number(i64::try_from(ns.len()).unwrap_or(i64::MAX))
            }
            Func::Not => {
                let e = arg(0).ok_or_else(|| self.err(PathErrorKind::Arity))?;
                match self.eval(e, ctx)? {
                    Value::Bool(b) => Value::Bool(!b),
                    _ => return Err(self.err(PathErrorKind::Type)),
                }
            }
            Func::Int => {
                let e = arg(0).ok_or_else(|| self.err(PathErrorKind::Arity))?;
                let s = match self.eval(e, ctx)? {
                    Value::Bool(b) => return Ok(Value::Number(i64::from(b))),
                    Value::Number(n) => return Ok(Value::Number(n)),
                    Value::String(s) => s,
                    Value::NodeSet(ns) => match ns.as_slice() {
                        [one] => self.value_of(*one).to_owned(),
                        _ => return Err(self.err(PathErrorKind::TooManyMatches)),
                    },
                    Value::Regexp { .. } => return Err(self.err(PathErrorKind::Type)),
                };
                Value::Number(
                    s.parse::<i64>()
                        .map_err(|_| self.err(PathErrorKind::IllegalNumber))?,
                )
            }
            Func::Regexp | Func::Glob => {
                let e = arg(0).ok_or_else(|| self.err(PathErrorKind::Arity))?;
                let nocase = match arg(1) {
                    None => false,
                    Some(fe) => match self.eval(fe, ctx)? {
                        Value::String(fl) if fl == "i" => true,
                        Value::String(_) => return Err(self.err(PathErrorKind::RegexpFlag)),
                        _ => return Err(self.err(PathErrorKind::Type)),
                    },
                };
                let sources: Vec<String> = match self.eval(e, ctx)? {
                    Value::String(s) => vec![s],
                    Value::NodeSet(ns) => ns
                        .iter()
                        .filter_map(|&n| self.tree.value(n).map(str::to_owned))
                        .collect(),
                    _ => return Err(self.err(PathErrorKind::Type)),
                };
                let mut parts = Vec::with_capacity(sources.len());
                for s in &sources {
                    let t = if f == Func::Glob {
                        regex_bridge::glob_to_regex(s)
                    } else {
                        regex_bridge::translate(s)
                    };
                    let t = t.map_err(|d| self.err(PathErrorKind::Regexp).with_details(d))?;
                    parts.push(format!("({t})"));
                }
                let pattern = (!parts.is_empty()).then(|| parts.join("|"));
                // Compile now so that invalid patterns are reported even if never used.
                if let Some(p) = &pattern {
                    self.regexp(p, nocase)?;
                }
                Value::Regexp { pattern, nocase }
            }
        })
    }
}
