//! Static type checking and evaluation of an [`Expr`] against a [`Tree`], both as Augeas
//! 1.14 does them.
//!
//! Types are checked once the whole expression is parsed, variables typed by their value
//! at that moment; the first error in a depth-first walk wins, and any error inside the
//! primary of a filter expression is a `type error`.
//!
//! Evaluation follows Augeas's algorithm, quirks included: both sides of every operator
//! are evaluated (so an error on the right of `or` or `else` surfaces); `a else b` picks
//! `a` for good once `a` held for any node it was evaluated for, which is why, when an
//! expression holds an `else`, every predicate runs over its node set twice (the first
//! time only to find out, with the position and size of the enclosing context); a
//! predicate that is just a number counts the nodes a step reaches before duplicates are
//! dropped; a union keeps the nodes of its left side as they are and adds the nodes of
//! its right side; numbers are 64 bits, arithmetic wraps at 32; relative paths at the
//! top start at the handle's context node, except `descendant-or-self::` steps (and
//! `//x`), which start at the root, as does any relative path in a predicate over the
//! root.

use super::ast::{Axis, BinOp, Expr, Func, LocPath, Start, Step};
use super::error::{PathError, PathErrorKind};
use super::regex::{self, Regex};
use crate::tree::{NodeId, Tree};
use rustc_hash::FxHashSet;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// A regexp value: its pattern in Augeas's dialect and whether it ignores case, or the
/// concatenation of regexps that differ in that.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Regexp(RxPat);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RxPat {
    Leaf { pattern: String, nocase: bool },
    Concat(Vec<RxPat>),
}

impl Regexp {
    /// A regexp with `pattern`; `nocase` folds ASCII case.
    pub fn new(pattern: impl Into<String>, nocase: bool) -> Regexp {
        Regexp(RxPat::Leaf {
            pattern: pattern.into(),
            nocase,
        })
    }

    /// The pattern, as Augeas shows it (parts of a concatenation in parentheses).
    pub fn pattern(&self) -> String {
        fn walk(p: &RxPat, out: &mut String) {
            match p {
                RxPat::Leaf { pattern, .. } => out.push_str(pattern),
                RxPat::Concat(parts) => {
                    for q in parts {
                        out.push('(');
                        walk(q, out);
                        out.push(')');
                    }
                }
            }
        }
        let mut s = String::new();
        walk(&self.0, &mut s);
        s
    }

    /// Whether the whole regexp ignores case.
    pub fn nocase(&self) -> bool {
        match &self.0 {
            RxPat::Leaf { nocase, .. } => *nocase,
            RxPat::Concat(_) => false,
        }
    }

    /// `self + other`: one pattern `(a)(b)` when both fold case alike, else a
    /// concatenation of the two.
    fn concat(&self, other: &Regexp) -> Regexp {
        match (&self.0, &other.0) {
            (
                RxPat::Leaf {
                    pattern: a,
                    nocase: x,
                },
                RxPat::Leaf {
                    pattern: b,
                    nocase: y,
                },
            ) if x == y => Regexp::new(format!("({a})({b})"), *x),
            (a, b) => Regexp(RxPat::Concat(vec![a.clone(), b.clone()])),
        }
    }

    /// Compiles the regexp; the error is GNU regex's message.
    pub fn compile(&self) -> Result<Regex, String> {
        fn leaves<'a>(p: &'a RxPat, out: &mut Vec<(&'a str, bool)>) {
            match p {
                RxPat::Leaf { pattern, nocase } => out.push((pattern, *nocase)),
                RxPat::Concat(parts) => parts.iter().for_each(|q| leaves(q, out)),
            }
        }
        let mut parts = Vec::new();
        leaves(&self.0, &mut parts);
        regex::compile_parts(&parts)
    }
}

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
    /// A regexp.
    Regexp(Regexp),
}

impl Value {
    fn ty(&self) -> Type {
        match self {
            Value::NodeSet(_) => Type::NodeSet,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::Regexp(_) => Type::Regexp,
        }
    }

    /// Augeas's coercion to a boolean (for `and`, `or` and `else`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::NodeSet(ns) => !ns.is_empty(),
            Value::Bool(b) => *b,
            Value::Number(n) => *n > 0,
            Value::String(s) => !s.is_empty(),
            Value::Regexp(_) => true,
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

/// The static types of expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    NodeSet,
    Bool,
    Number,
    String,
    Regexp,
}

/// The result type of a binary operator, or `None` for a type error.
fn binary_type(op: BinOp, l: Type, r: Type) -> Option<Type> {
    use Type::*;
    let textual = |t: Type| t == NodeSet || t == String;
    match op {
        BinOp::Eq | BinOp::Neq => {
            ((textual(l) && textual(r)) || (l == Number && r == Number)).then_some(Bool)
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            ((l == Number && r == Number) || (l == String && r == String)).then_some(Bool)
        }
        BinOp::Plus => (l == r && matches!(l, Number | String | Regexp)).then_some(l),
        BinOp::Minus | BinOp::Star => (l == Number && r == Number).then_some(Number),
        BinOp::Union => (l == NodeSet && r == NodeSet).then_some(NodeSet),
        BinOp::And | BinOp::Or => Some(Bool),
        BinOp::Else => Some(if l == NodeSet && r == NodeSet {
            NodeSet
        } else {
            Bool
        }),
        BinOp::Match | BinOp::NoMatch => (textual(l) && r == Regexp).then_some(Bool),
    }
}

/// The result type of a call, or `None` when no variant of the function takes arguments
/// of these types.
fn call_type(f: Func, args: &[Type]) -> Option<Type> {
    use Type::*;
    let textual = |t: &Type| *t == NodeSet || *t == String;
    match (f, args) {
        (Func::Last | Func::Position, []) => Some(Number),
        (Func::Label, []) => Some(String),
        (Func::Modified, []) => Some(Bool),
        (Func::Count, [NodeSet]) => Some(Number),
        (Func::Regexp, [a]) | (Func::Regexp, [a, String]) | (Func::Glob, [a]) if textual(a) => {
            Some(Regexp)
        }
        (Func::Int, [String | NodeSet | Bool]) => Some(Number),
        (Func::Not, [Bool]) => Some(Bool),
        _ => None,
    }
}

/// Checks the types of `e` as Augeas does once it has parsed an expression; variables
/// have the type of their value. Returns the type of `e`.
pub(crate) fn typecheck(e: &Expr, vars: &Vars) -> Result<Type, PathErrorKind> {
    stacker::maybe_grow(super::parser::RED_ZONE, super::parser::GROW, || {
        typecheck_here(e, vars)
    })
}

fn typecheck_here(e: &Expr, vars: &Vars) -> Result<Type, PathErrorKind> {
    match e {
        Expr::Literal(_) => Ok(Type::String),
        Expr::Number(_) => Ok(Type::Number),
        Expr::Var(name) => vars
            .get(name)
            .map(Value::ty)
            .ok_or(PathErrorKind::UndefinedVariable),
        Expr::Call(f, args) => {
            let mut tys = Vec::with_capacity(args.len());
            for a in args {
                tys.push(typecheck(a, vars)?);
            }
            call_type(*f, &tys).ok_or(PathErrorKind::Type)
        }
        Expr::Binary(op, l, r) => {
            let lt = typecheck(l, vars)?;
            let rt = typecheck(r, vars)?;
            binary_type(*op, lt, rt).ok_or(PathErrorKind::Type)
        }
        Expr::Path(lp) => {
            if let Start::Filter(p, preds) = &lp.start {
                // Whatever went wrong in the primary, Augeas reports a type error.
                if typecheck(p, vars) != Ok(Type::NodeSet) {
                    return Err(PathErrorKind::Type);
                }
                check_predicates(preds, vars)?;
            }
            for s in &lp.steps {
                check_predicates(&s.predicates, vars)?;
            }
            Ok(Type::NodeSet)
        }
    }
}

/// A predicate may have any type but regexp.
fn check_predicates(preds: &[Expr], vars: &Vars) -> Result<(), PathErrorKind> {
    for p in preds {
        if typecheck(p, vars)? == Type::Regexp {
            return Err(PathErrorKind::Type);
        }
    }
    Ok(())
}

/// How far a path got: the node set it starts from and the node set after each step.
pub(crate) type Trace = Vec<Vec<NodeId>>;

/// One evaluation of an expression: Augeas's evaluation state.
pub(crate) struct Evaluator<'a> {
    tree: &'a Tree,
    vars: &'a Vars,
    text: &'a str,
    /// Where relative paths at the top start (the handle's context node).
    root_ctx: Option<NodeId>,
    /// The context node, its position in the node set being filtered and that set's size.
    ctx: NodeId,
    ctx_pos: u32,
    ctx_len: u32,
    /// Whether the expression holds an `else`: then every predicate runs twice.
    has_else: bool,
    /// The `else` operators whose left side held at some point (by address).
    left_matched: HashSet<usize>,
    regexps: HashMap<Regexp, Rc<Regex>>,
}

type R<T> = Result<T, PathError>;

impl<'a> Evaluator<'a> {
    pub(crate) fn new(
        tree: &'a Tree,
        vars: &'a Vars,
        text: &'a str,
        origin: NodeId,
        root_ctx: Option<NodeId>,
        has_else: bool,
    ) -> Evaluator<'a> {
        Evaluator {
            tree,
            vars,
            text,
            root_ctx,
            ctx: origin,
            ctx_pos: 1,
            ctx_len: 1,
            has_else,
            left_matched: HashSet::new(),
            regexps: HashMap::new(),
        }
    }

    fn err(&self, kind: PathErrorKind) -> PathError {
        PathError::new(kind, self.text, self.text.len())
    }

    /// Evaluates `e` in the current context.
    pub(crate) fn eval(&mut self, e: &Expr) -> R<Value> {
        stacker::maybe_grow(super::parser::RED_ZONE, super::parser::GROW, || {
            self.eval_here(e)
        })
    }

    /// Evaluates a path and returns the node set it starts from and the one after each
    /// step (see [`Trace`]).
    pub(crate) fn trace(&mut self, lp: &LocPath) -> R<Trace> {
        let mut trace = Vec::with_capacity(lp.steps.len() + 1);
        self.path(lp, Some(&mut trace))?;
        Ok(trace)
    }

    fn eval_here(&mut self, e: &Expr) -> R<Value> {
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
            Expr::Call(f, args) => self.call(*f, args)?,
            Expr::Binary(op, l, r) => self.binary(e, *op, l, r)?,
            Expr::Path(lp) => Value::NodeSet(self.path(lp, None)?),
        })
    }

    fn path(&mut self, lp: &LocPath, mut trace: Option<&mut Trace>) -> R<Vec<NodeId>> {
        let mut cur = match &lp.start {
            Start::Context => vec![self.step_root(lp.steps.first())],
            Start::Filter(p, preds) => {
                let Value::NodeSet(mut ns) = self.eval(p)? else {
                    return Err(self.err(PathErrorKind::Type));
                };
                self.filter(&mut ns, preds)?;
                dedup(ns)
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

    /// Where a relative path starts: the context node, or the handle's context node
    /// when the context is the root, unless the first step is `root::` or
    /// `descendant-or-self::`.
    fn step_root(&self, first: Option<&Step>) -> NodeId {
        let from_ctx = first.is_some_and(|s| matches!(s.axis, Axis::Root | Axis::DescendantOrSelf));
        match self.root_ctx {
            Some(rc) if !from_ctx && self.ctx == self.tree.root() => rc,
            _ => self.ctx,
        }
    }

    /// One step from every node of `from`: a predicate that is just a number picks the
    /// node at that position among all the nodes the axis reaches, duplicates counted;
    /// otherwise the nodes reached (first occurrences) are filtered by the predicates.
    fn step(&mut self, from: &[NodeId], step: &Step) -> R<Vec<NodeId>> {
        if let [Expr::Number(k)] = step.predicates.as_slice() {
            // Walked lazily: `following-sibling::*[1]` looks at one sibling, not all.
            let mut pos = 1i64;
            for &n in from {
                for c in self.axis_iter(n, step) {
                    if pos == *k {
                        return Ok(vec![c]);
                    }
                    pos += 1;
                }
            }
            return Ok(Vec::new());
        }
        let mut seen: FxHashSet<NodeId> = FxHashSet::default();
        let mut out = Vec::new();
        for &n in from {
            for c in self.axis_iter(n, step) {
                if from.len() == 1 || seen.insert(c) {
                    out.push(c);
                }
            }
        }
        self.filter(&mut out, &step.predicates)?;
        Ok(out)
    }

    fn name_matches(&self, step: &Step, n: NodeId) -> bool {
        let label = self.tree.label(n);
        // `seq::*` matches numbered nodes only; `seq::NAME` is `child::NAME`.
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

    /// The nodes the axis of `step` reaches from `n` whose names match, in Augeas's order.
    /// Named children come from the tree's label index, and siblings start at the node's
    /// own index, so neither scans a long sibling list.
    fn axis_iter<'s>(&'s self, n: NodeId, step: &'s Step) -> Box<dyn Iterator<Item = NodeId> + 's> {
        let t = self.tree;
        let keep = move |c: &NodeId| self.name_matches(step, *c);
        match step.axis {
            Axis::SelfNode => Box::new(std::iter::once(n).filter(keep)),
            Axis::Child | Axis::Seq => match &step.name {
                // `seq::NAME` is `child::NAME`.
                Some(name) => Box::new(t.children_labelled(n, name).into_iter()),
                None => Box::new(t.children(n).iter().copied().filter(keep)),
            },
            Axis::Descendant => Box::new(t.descendants_or_self(n).skip(1).filter(keep)),
            Axis::DescendantOrSelf => Box::new(t.descendants_or_self(n).filter(keep)),
            Axis::Parent => Box::new(t.parent(n).into_iter().filter(keep)),
            Axis::Ancestor => Box::new(t.ancestors_or_self(n).skip(1).filter(keep)),
            Axis::Root => Box::new(std::iter::once(t.root()).filter(keep)),
            // The root has no siblings (Augeas crashes looking for them).
            Axis::PrecedingSibling | Axis::FollowingSibling => {
                let Some(p) = t.parent(n) else {
                    return Box::new(std::iter::empty());
                };
                let sibs = t.children(p);
                let idx = t.index_in_parent(n).unwrap_or(0);
                if step.axis == Axis::PrecedingSibling {
                    let before = sibs.get(..idx).unwrap_or_default();
                    Box::new(before.iter().rev().copied().filter(keep))
                } else {
                    let after = sibs.get(idx + 1..).unwrap_or_default();
                    Box::new(after.iter().copied().filter(keep))
                }
            }
        }
    }

    /// Keeps the nodes of `ns` for which each predicate holds, in turn (Augeas's
    /// `ns_filter`).
    fn filter(&mut self, ns: &mut Vec<NodeId>, preds: &[Expr]) -> R<()> {
        if preds.is_empty() {
            return Ok(());
        }
        let saved = (self.ctx, self.ctx_pos, self.ctx_len);
        for p in preds {
            if self.has_else {
                // A first pass, so that every `else` knows whether its left side holds
                // for some node. Position and size are still the enclosing ones.
                for &n in ns.iter() {
                    self.ctx = n;
                    self.holds(p)?;
                }
            }
            self.ctx_len = u32::try_from(ns.len()).unwrap_or(u32::MAX);
            self.ctx_pos = 1;
            let mut kept = Vec::with_capacity(ns.len());
            for &n in ns.iter() {
                self.ctx = n;
                if self.holds(p)? {
                    kept.push(n);
                }
                self.ctx_pos = self.ctx_pos.wrapping_add(1);
            }
            *ns = kept;
        }
        (self.ctx, self.ctx_pos, self.ctx_len) = saved;
        Ok(())
    }

    /// Whether predicate `p` holds for the context node.
    fn holds(&mut self, p: &Expr) -> R<bool> {
        Ok(match self.eval(p)? {
            Value::Bool(b) => b,
            Value::Number(k) => i64::from(self.ctx_pos) == k,
            Value::NodeSet(ns) => !ns.is_empty(),
            Value::String(s) => self.tree.value(self.ctx) == Some(s.as_str()),
            Value::Regexp(_) => false,
        })
    }

    fn value_of(&self, n: NodeId) -> &str {
        self.tree.value(n).unwrap_or("")
    }

    fn binary(&mut self, e: &Expr, op: BinOp, l: &Expr, r: &Expr) -> R<Value> {
        let lv = self.eval(l)?;
        let rv = self.eval(r)?;
        Ok(match (op, lv, rv) {
            (BinOp::Else, lv, rv) => {
                let key = std::ptr::from_ref(e) as usize;
                let matched = self.left_matched.contains(&key);
                match (lv, rv) {
                    (Value::NodeSet(a), Value::NodeSet(b)) => {
                        if matched || !a.is_empty() {
                            self.left_matched.insert(key);
                            Value::NodeSet(a)
                        } else {
                            Value::NodeSet(b)
                        }
                    }
                    (a, b) => {
                        let left = a.truthy();
                        if matched || left {
                            self.left_matched.insert(key);
                            Value::Bool(left)
                        } else {
                            Value::Bool(b.truthy())
                        }
                    }
                }
            }
            (BinOp::And, a, b) => Value::Bool(a.truthy() && b.truthy()),
            (BinOp::Or, a, b) => Value::Bool(a.truthy() || b.truthy()),
            (BinOp::Eq | BinOp::Neq, a, b) => Value::Bool(self.equal(op == BinOp::Eq, &a, &b)),
            (BinOp::Match | BinOp::NoMatch, a, Value::Regexp(rx)) => {
                let m = self.regex(&rx)?;
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
                // Augeas computes in 64 bits and keeps a C `int`.
                BinOp::Plus => Value::Number(i64::from(a.wrapping_add(b) as i32)),
                BinOp::Minus => Value::Number(i64::from(a.wrapping_sub(b) as i32)),
                BinOp::Star => Value::Number(i64::from(a.wrapping_mul(b) as i32)),
                _ => return Err(self.err(PathErrorKind::Type)),
            },
            (op, Value::String(a), Value::String(b)) => match op {
                BinOp::Lt => Value::Bool(a < b),
                BinOp::Le => Value::Bool(a <= b),
                BinOp::Gt => Value::Bool(a > b),
                BinOp::Ge => Value::Bool(a >= b),
                BinOp::Plus => Value::String(a + &b),
                _ => return Err(self.err(PathErrorKind::Type)),
            },
            (BinOp::Plus, Value::Regexp(a), Value::Regexp(b)) => Value::Regexp(a.concat(&b)),
            (BinOp::Union, Value::NodeSet(mut a), Value::NodeSet(b)) => {
                // Only the nodes added from the right side are checked for duplicates.
                let mut added: FxHashSet<NodeId> = FxHashSet::default();
                for n in b {
                    if added.insert(n) {
                        a.push(n);
                    }
                }
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
            _ => false,
        }
    }

    fn regex(&mut self, rx: &Regexp) -> R<Rc<Regex>> {
        if let Some(m) = self.regexps.get(rx) {
            return Ok(Rc::clone(m));
        }
        let m = rx
            .compile()
            .map_err(|e| self.err(PathErrorKind::Regexp).with_details(e))?;
        let m = Rc::new(m);
        self.regexps.insert(rx.clone(), Rc::clone(&m));
        Ok(m)
    }

    fn call(&mut self, f: Func, args: &[Expr]) -> R<Value> {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a)?);
        }
        let mut vals = vals.into_iter();
        let mut arg = || vals.next();
        Ok(match f {
            Func::Last => Value::Number(i64::from(self.ctx_len)),
            Func::Position => Value::Number(i64::from(self.ctx_pos)),
            Func::Label => Value::String(self.tree.label(self.ctx).unwrap_or("").to_owned()),
            Func::Modified => Value::Bool(self.tree.is_dirty(self.ctx)),
            Func::Count => match arg() {
                Some(Value::NodeSet(ns)) => {
                    Value::Number(i64::try_from(ns.len()).unwrap_or(i64::MAX))
                }
                _ => return Err(self.err(PathErrorKind::Type)),
            },
            Func::Not => match arg() {
                Some(Value::Bool(b)) => Value::Bool(!b),
                _ => return Err(self.err(PathErrorKind::Type)),
            },
            Func::Int => {
                let text = match arg() {
                    Some(Value::Bool(b)) => return Ok(Value::Number(i64::from(b))),
                    Some(Value::String(s)) => Some(s),
                    Some(Value::NodeSet(ns)) => match ns.as_slice() {
                        [one] => self.tree.value(*one).map(str::to_owned),
                        _ => return Err(self.err(PathErrorKind::TooManyMatches)),
                    },
                    _ => return Err(self.err(PathErrorKind::Type)),
                };
                // A node without a value is -1.
                match text {
                    None => Value::Number(-1),
                    Some(s) => Value::Number(
                        parse_int(&s).ok_or_else(|| self.err(PathErrorKind::IllegalNumber))?,
                    ),
                }
            }
            Func::Regexp | Func::Glob => {
                let source = arg();
                let nocase = match arg() {
                    None => false,
                    Some(Value::String(fl)) if fl == "i" => true,
                    Some(_) => return Err(self.err(PathErrorKind::RegexpFlag)),
                };
                let glob = f == Func::Glob;
                let translate = |s: &str| {
                    if glob {
                        regex::glob_to_regex(s)
                    } else {
                        regex::unescape(s)
                    }
                };
                let rx = match source {
                    Some(Value::String(s)) => Regexp::new(translate(&s), nocase && !glob),
                    Some(Value::NodeSet(ns)) => {
                        let parts: Vec<String> = ns
                            .iter()
                            .filter_map(|&n| self.tree.value(n))
                            .map(|v| format!("({})", translate(v)))
                            .collect();
                        if parts.is_empty() {
                            Regexp::new(regex::EMPTY_NODESET_PATTERN, nocase)
                        } else {
                            // The values' regexps never fold case.
                            Regexp::new(parts.join("|"), false)
                        }
                    }
                    _ => return Err(self.err(PathErrorKind::Type)),
                };
                // Compiled now, so that an invalid pattern is an error even if unused.
                self.regex(&rx)?;
                Value::Regexp(rx)
            }
        })
    }
}

/// The nodes of `ns` without repetitions, first occurrences kept.
fn dedup(ns: Vec<NodeId>) -> Vec<NodeId> {
    if ns.len() < 2 {
        return ns;
    }
    let mut seen: FxHashSet<NodeId> = FxHashSet::default();
    seen.reserve(ns.len());
    ns.into_iter().filter(|n| seen.insert(*n)).collect()
}

/// A decimal integer as C's `strtoll` reads it, the whole string: leading whitespace, a
/// sign, at least one digit, nothing after; `None` if not, or out of range.
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\u{b}', '\u{c}', '\r']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b - b'0');
        n = n.checked_mul(10)?;
        n = if neg {
            n.checked_sub(d)?
        } else {
            n.checked_add(d)?
        };
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::parse_int;

    #[test]
    fn integers_as_strtoll_reads_them() {
        assert_eq!(parse_int(" 3"), Some(3));
        assert_eq!(parse_int("+4"), Some(4));
        assert_eq!(parse_int("-7"), Some(-7));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        for bad in ["", " ", "3 ", "0x10", "9223372036854775808", "-", "1e3"] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
    }
}
