//! The evaluator: environments, lazy module bindings, application, the operators, and
//! every builtin, compiling `.aug` values to the lens and regexp values of aug-core.

use super::ast::{BinOp, Binding, Expr, ExprKind, Loc, ModuleAst, PostOp, TreeLit, Type};
use super::check::Ty;
use super::value::{Closure, Native, Value, format_forest};
use super::{ErrorKind, Interpreter, LangError, pathx};
use crate::error::Span;
use crate::lens::{self, CheckError, Lens, LensError, Origin};
use crate::rx::Regex;
use crate::tree::{Subtree, Tree};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// Where an expression is: its position for short messages, and its whole range, as
/// Augeas reports it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct At {
    pub(crate) span: Span,
    pub(crate) loc: Loc,
}

impl Expr {
    pub(crate) fn at(&self) -> At {
        At {
            span: self.span,
            loc: self.loc,
        }
    }
}

/// The evaluation state of one module binding.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    Unevaluated,
    InProgress,
    Done(Value),
    Failed(LangError),
}

/// A loaded module: its declarations and the lazily computed value of each binding.
#[derive(Debug)]
pub(crate) struct ModuleState {
    pub(crate) name: String,
    pub(crate) file: Rc<str>,
    /// The file name again, for the positions of the lenses made here (which are `Send`).
    pub(crate) file_arc: Arc<str>,
    /// The static type of each declaration, once the module was typechecked (strict
    /// loading; `None` for tests and bindings that did not typecheck).
    pub(crate) types: RefCell<Vec<Option<Ty>>>,
    pub(crate) ast: ModuleAst,
    /// Binding name to the indices of its declarations (a later one shadows).
    pub(crate) index: HashMap<String, Vec<usize>>,
    /// One cell per declaration (tests keep `Unevaluated`).
    pub(crate) cells: RefCell<Vec<Cell>>,
}

impl ModuleState {
    /// The last declaration of `name` before declaration number `limit`.
    pub(crate) fn visible(&self, name: &str, limit: usize) -> Option<usize> {
        self.index
            .get(name)?
            .iter()
            .copied()
            .take_while(|&i| i < limit)
            .last()
    }
}

#[derive(Debug)]
struct Local {
    name: String,
    value: Value,
    next: Option<Rc<Local>>,
}

/// Where names are looked up: local bindings, then the module's bindings before `limit`.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    locals: Option<Rc<Local>>,
    pub(crate) module: Rc<ModuleState>,
    limit: usize,
}

impl Env {
    /// The scope of declaration number `limit` of `module`.
    pub(crate) fn top(module: Rc<ModuleState>, limit: usize) -> Env {
        Env {
            locals: None,
            module,
            limit,
        }
    }

    fn bind(&self, name: &str, value: Value) -> Env {
        Env {
            locals: Some(Rc::new(Local {
                name: name.to_owned(),
                value,
                next: self.locals.clone(),
            })),
            module: self.module.clone(),
            limit: self.limit,
        }
    }

    fn local(&self, name: &str) -> Option<Value> {
        let mut cur = self.locals.as_deref();
        while let Some(l) = cur {
            if l.name == name {
                return Some(l.value.clone());
            }
            cur = l.next.as_deref();
        }
        None
    }
}

fn forest(lits: &[TreeLit]) -> Vec<Subtree> {
    lits.iter()
        .map(|t| Subtree {
            label: t.label.clone(),
            value: t.value.clone(),
            span: None,
            children: forest(&t.children),
        })
        .collect()
}

/// The forest as a tree whose root's children are its nodes.
pub(crate) fn to_tree(f: &[Subtree]) -> Tree {
    let mut t = Tree::new();
    let r = t.root();
    for (i, s) in f.iter().enumerate() {
        t.graft(r, i, s.clone());
    }
    t
}

fn from_tree(t: &Tree) -> Vec<Subtree> {
    t.children(t.root())
        .iter()
        .filter_map(|&c| t.extract(c))
        .collect()
}

impl Interpreter {
    fn error(&self, env: &Env, at: At, kind: ErrorKind, msg: impl Into<String>) -> LangError {
        let message = msg.into();
        let file = env.module.file.to_string();
        LangError {
            report: vec![format!("{file}:{}:{message}", at.loc)],
            file,
            span: at.span,
            message,
            kind,
        }
    }

    /// An exception of the language raised at `at`, reported as augparse does: the
    /// message, then the lines that explain it.
    pub(crate) fn exception(
        &self,
        env: &Env,
        at: At,
        msg: impl Into<String>,
        details: Vec<String>,
    ) -> LangError {
        let message = msg.into();
        let file = env.module.file.to_string();
        let mut report = vec![format!("{file}:{}:exception: {message}", at.loc)];
        report.extend(details);
        LangError {
            report,
            file,
            span: at.span,
            message,
            kind: ErrorKind::Exception,
        }
    }

    fn lens_error(&self, env: &Env, at: At, e: LensError) -> LangError {
        match e {
            LensError::Check(c) => self.check_error(env, at, c),
            e => self.exception(env, at, e.to_string(), Vec::new()),
        }
    }

    /// A failed get as an exception, worded as augparse reports it.
    pub(crate) fn get_exception(&self, env: &Env, at: At, e: lens::GetError) -> LangError {
        let details = vec![
            format!("    Lens: {}", e.lens),
            format!(
                "    Error encountered at {}:{} ({} characters into string)",
                e.span.line,
                e.span.col.saturating_sub(1),
                e.span.offset
            ),
        ];
        self.exception(env, at, e.message, details)
    }

    fn check_error(&self, env: &Env, at: At, c: CheckError) -> LangError {
        self.exception(env, at, c.message, c.details)
    }

    /// Whether lenses are typechecked as they are made (strict loading with the
    /// typechecker on, as augparse), rather than when a test uses them.
    pub(crate) fn checks_lenses(&self) -> bool {
        self.options.typecheck && self.options.strict
    }

    /// Marks `l` as made at `at` (see [`Lens::origin`]) and returns it as a value.
    fn made(&self, env: &Env, at: At, l: Lens) -> Value {
        let Loc { start, end } = at.loc;
        l.locate(Origin {
            file: env.module.file_arc.clone(),
            start: (start.line, start.col.saturating_sub(1)),
            end: (end.line, end.col.saturating_sub(1)),
        });
        Value::Lens(l)
    }

    /// The value of binding number `idx` of `module`, computed on first use.
    pub(crate) fn force(&self, module: &Rc<ModuleState>, idx: usize) -> Result<Value, LangError> {
        let state = module.cells.borrow().get(idx).cloned();
        let fail = |message: &str| LangError {
            file: module.file.to_string(),
            span: Span::default(),
            message: message.to_owned(),
            kind: ErrorKind::Type,
            report: vec![format!("{}:{message}", module.file)],
        };
        match state {
            Some(Cell::Done(v)) => return Ok(v),
            Some(Cell::Failed(e)) => return Err(e),
            Some(Cell::InProgress) => return Err(fail("cyclic definition")),
            Some(Cell::Unevaluated) => {}
            None => return Err(fail("no such binding")),
        }
        let Some(super::ast::Decl::Let(b)) = module.ast.decls.get(idx) else {
            return Err(fail("not a binding"));
        };
        let b = b.clone();
        set_cell(module, idx, Cell::InProgress);
        let env = Env::top(module.clone(), idx);
        let r = self.binding_value(&b, &env);
        set_cell(
            module,
            idx,
            match &r {
                Ok(v) => Cell::Done(v.clone()),
                Err(e) => Cell::Failed(e.clone()),
            },
        );
        r
    }

    fn binding_value(&self, b: &Binding, env: &Env) -> Result<Value, LangError> {
        if b.recursive {
            return self.eval_rec(b, env);
        }
        if b.params.is_empty() {
            self.eval(&b.body, env)
        } else {
            Ok(Value::Closure(Rc::new(Closure {
                params: b.params.clone(),
                body: b.body.clone(),
                env: env.clone(),
            })))
        }
    }

    /// `let rec x = body`: a recursive lens. `body` is evaluated twice, first with `x`
    /// standing for a lens that produces no tree, then with `x` carrying the tree
    /// languages of that first result (see [`lens::rec_ref`]).
    fn eval_rec(&self, b: &Binding, env: &Env) -> Result<Value, LangError> {
        let at = b.body.at();
        if !b.params.is_empty() {
            return Err(self.error(
                env,
                at,
                ErrorKind::Unsupported,
                format!("let rec {} cannot take parameters", b.name),
            ));
        }
        let id = lens::fresh_rec_id();
        let body = |like: Option<&lens::Lens>| {
            let me = lens::rec_ref(id, &b.name, like);
            match self.eval(&b.body, &env.bind(&b.name, Value::Lens(me)))? {
                Value::Lens(l) => Ok(l),
                v => Err(self.type_error(env, at, "let rec", "lens", &v)),
            }
        };
        let first = body(None)?;
        // What only the second round finds (a key or value the recursion brings in), C
        // finds checking the whole recursive lens: it reports it there.
        let second = body(Some(&first)).map_err(|e| match e.kind {
            ErrorKind::Exception => self.exception(env, at, e.message, Vec::new()),
            _ => e,
        })?;
        match lens::fix(id, second, &first) {
            Ok(l) => Ok(self.made(env, at, l)),
            Err(LensError::Recursion(m)) => Err(self.error(env, at, ErrorKind::Unsupported, m)),
            Err(e) => Err(self.lens_error(env, at, e)),
        }
    }

    fn lookup(&self, name: &str, at: At, env: &Env) -> Result<Value, LangError> {
        if let Some(v) = env.local(name) {
            return Ok(v);
        }
        if let Some(idx) = env.module.visible(name, env.limit) {
            return self.force(&env.module, idx);
        }
        if let Some(n) = Native::lookup(name, false) {
            return Ok(Value::Native(n, Rc::new(Vec::new())));
        }
        Err(self.error(env, at, ErrorKind::Type, format!("unbound name '{name}'")))
    }

    fn lookup_qualified(
        &self,
        module: &str,
        name: &str,
        at: At,
        env: &Env,
    ) -> Result<Value, LangError> {
        let unbound = || {
            self.error(
                env,
                at,
                ErrorKind::Type,
                format!("unbound name '{module}.{name}'"),
            )
        };
        if module.eq_ignore_ascii_case(&env.module.name) {
            return match env.module.visible(name, env.limit) {
                Some(idx) => self.force(&env.module, idx),
                None => Err(unbound()),
            };
        }
        if module == "Sys" || module == "Builtin" {
            return Native::lookup(name, module == "Sys")
                .map(|n| Value::Native(n, Rc::new(Vec::new())))
                .ok_or_else(unbound);
        }
        let m = self.load_module(module).map_err(|e| {
            if e.kind == ErrorKind::NotFound {
                self.error(env, at, ErrorKind::Type, e.message)
            } else {
                e
            }
        })?;
        match m.visible(name, usize::MAX) {
            Some(idx) => self.force(&m, idx),
            None => Err(unbound()),
        }
    }

    /// Evaluates `e` in `env`, on a stack that grows on demand (expressions nest up to
    /// `parser::MAX_DEPTH` deep, and forcing a binding may force a long chain of others).
    pub(crate) fn eval(&self, e: &Expr, env: &Env) -> Result<Value, LangError> {
        stacker::maybe_grow(super::parser::RED_ZONE, super::parser::GROW, || {
            self.eval_here(e, env)
        })
    }

    fn eval_here(&self, e: &Expr, env: &Env) -> Result<Value, LangError> {
        let at = e.at();
        let exn = |x: LensError| self.lens_error(env, at, x);
        let checked = |r: Result<(), CheckError>| r.map_err(|c| self.check_error(env, at, c));
        match &e.kind {
            ExprKind::Ident(n) => self.lookup(n, at, env),
            ExprKind::Qualified(m, n) => self.lookup_qualified(m, n, at, env),
            ExprKind::Str(s) => Ok(Value::Str(Rc::from(s.as_str()))),
            ExprKind::Regexp(r, nocase) => Regex::parse(r, *nocase)
                .map(Value::Regexp)
                .map_err(|err| self.error(env, at, ErrorKind::Type, err.to_string())),
            ExprKind::Unit => Ok(Value::Unit),
            ExprKind::Tree(lits) => Ok(Value::Tree(Rc::new(forest(lits)))),
            ExprKind::Subtree(inner) => match self.eval(inner, env)? {
                Value::Lens(l) => Ok(self.made(env, at, lens::subtree(l))),
                v => Err(self.type_error(env, at, "[ ]", "lens", &v)),
            },
            ExprKind::LetIn(b, body) => {
                let v = self.binding_value(b, env)?;
                self.eval(body, &env.bind(&b.name, v))
            }
            ExprKind::Apply(f, a) => {
                let f = self.eval(f, env)?;
                let a = self.eval(a, env)?;
                self.apply(f, a, at, env)
            }
            ExprKind::Postfix(op, inner) => {
                let v = self.eval(inner, env)?;
                match (v, op) {
                    (Value::Lens(l), PostOp::Star | PostOp::Plus) => {
                        let made = if *op == PostOp::Star {
                            l.star()
                        } else {
                            l.plus()
                        }
                        .map_err(exn)?;
                        if self.checks_lenses() {
                            checked(lens::check_new_iteration(&l))?;
                        }
                        Ok(self.made(env, at, made))
                    }
                    (Value::Lens(l), PostOp::Opt) => {
                        if self.checks_lenses() {
                            checked(lens::check_new_maybe(&l))?;
                        }
                        Ok(self.made(env, at, l.opt()))
                    }
                    (v, op) => match v.as_regexp() {
                        Some(r) => Ok(Value::Regexp(match op {
                            PostOp::Star => r.star(),
                            PostOp::Plus => r.plus(),
                            PostOp::Opt => r.opt(),
                        })),
                        None => Err(self.type_error(env, at, "postfix", "regexp or lens", &v)),
                    },
                }
            }
            ExprKind::Binary(op, a, b) => {
                let a = self.eval(a, env)?;
                if *op == BinOp::Compose && matches!(a, Value::Unit) {
                    return self.eval(b, env);
                }
                let b = self.eval(b, env)?;
                self.binary(*op, a, b, at, env)
            }
        }
    }

    fn type_error(&self, env: &Env, at: At, what: &str, want: &str, got: &Value) -> LangError {
        self.error(
            env,
            at,
            ErrorKind::Type,
            format!(
                "type error: {what} expects {want}, got a {}",
                got.type_name()
            ),
        )
    }

    fn binary(&self, op: BinOp, a: Value, b: Value, at: At, env: &Env) -> Result<Value, LangError> {
        let exn = |x: LensError| self.lens_error(env, at, x);
        let checked = |r: Result<(), CheckError>| r.map_err(|c| self.check_error(env, at, c));
        let mismatch = || {
            self.error(
                env,
                at,
                ErrorKind::Type,
                format!(
                    "type error: cannot apply {op:?} to a {} and a {}",
                    a.type_name(),
                    b.type_name()
                ),
            )
        };
        match op {
            BinOp::Compose => {
                let is_fn = |v: &Value| {
                    matches!(
                        v,
                        Value::Closure(_) | Value::Native(..) | Value::Compose(..)
                    )
                };
                if is_fn(&a) && is_fn(&b) {
                    Ok(Value::Compose(Rc::new(a), Rc::new(b)))
                } else {
                    Err(mismatch())
                }
            }
            BinOp::Union => match (&a, &b) {
                (Value::Lens(x), Value::Lens(y)) => {
                    let u = lens::union(vec![x.clone(), y.clone()]).map_err(exn)?;
                    if self.checks_lenses() {
                        checked(lens::check_new_union(x, y))?;
                    }
                    Ok(self.made(env, at, u))
                }
                (Value::Tree(x), Value::Tree(y)) => Ok(Value::Tree(Rc::new(
                    x.iter().chain(y.iter()).cloned().collect(),
                ))),
                _ => match (a.as_regexp(), b.as_regexp()) {
                    (Some(x), Some(y)) => Ok(Value::Regexp(x.union(&y))),
                    _ => Err(mismatch()),
                },
            },
            BinOp::Minus => match (a.as_regexp(), b.as_regexp()) {
                (Some(x), Some(y)) => {
                    let d = x.minus(&y).map_err(|e| exn(LensError::Regex(e)))?;
                    // C cannot write the empty language as a regexp.
                    if d.is_empty() {
                        return Err(self.exception(
                            env,
                            at,
                            "Regular expression subtraction 'r1 - r2' failed",
                            vec![format!("    r1: /{x}/"), format!("    r2: /{y}/")],
                        ));
                    }
                    Ok(Value::Regexp(d))
                }
                _ => Err(mismatch()),
            },
            BinOp::Concat => match (&a, &b) {
                (Value::Str(x), Value::Str(y)) => Ok(Value::Str(Rc::from(format!("{x}{y}")))),
                (Value::Lens(x), Value::Lens(y)) => {
                    let c = lens::concat(vec![x.clone(), y.clone()]).map_err(exn)?;
                    if self.checks_lenses() {
                        checked(lens::check_new_concat(x, y))?;
                    }
                    Ok(self.made(env, at, c))
                }
                (Value::Filter(x), Value::Filter(y)) => Ok(Value::Filter(Rc::new(
                    x.iter().chain(y.iter()).cloned().collect(),
                ))),
                _ => match (a.as_regexp(), b.as_regexp()) {
                    (Some(x), Some(y)) => Ok(Value::Regexp(x.concat(&y))),
                    _ => Err(mismatch()),
                },
            },
        }
    }

    /// Applies a function value to one argument.
    pub(crate) fn apply(
        &self,
        f: Value,
        arg: Value,
        at: At,
        env: &Env,
    ) -> Result<Value, LangError> {
        match f {
            Value::Closure(c) => {
                let Some((p, rest)) = c.params.split_first() else {
                    return Err(self.error(env, at, ErrorKind::Type, "closure without parameters"));
                };
                if !arg.has_type(&p.ty) {
                    return Err(self.error(
                        env,
                        at,
                        ErrorKind::Type,
                        format!(
                            "type error: parameter '{}' expects {:?}, got a {}",
                            p.name,
                            p.ty,
                            arg.type_name()
                        ),
                    ));
                }
                let arg = match (&p.ty, &arg) {
                    (Type::Regexp, Value::Str(s)) => Value::Regexp(super::value::coerce(s)),
                    _ => arg,
                };
                let inner = c.env.bind(&p.name, arg);
                if rest.is_empty() {
                    self.eval(&c.body, &inner)
                } else {
                    Ok(Value::Closure(Rc::new(Closure {
                        params: rest.to_vec(),
                        body: c.body.clone(),
                        env: inner,
                    })))
                }
            }
            Value::Native(n, args) => {
                let mut args = (*args).clone();
                args.push(arg);
                if args.len() < n.arity() {
                    Ok(Value::Native(n, Rc::new(args)))
                } else {
                    self.call(n, &args, at, env)
                }
            }
            Value::Compose(f, g) => {
                let x = self.apply((*f).clone(), arg, at, env)?;
                self.apply((*g).clone(), x, at, env)
            }
            v => Err(self.error(
                env,
                at,
                ErrorKind::Type,
                format!("type error: a {} is not a function", v.type_name()),
            )),
        }
    }

    fn call(&self, n: Native, args: &[Value], at: At, env: &Env) -> Result<Value, LangError> {
        let exn = |msg: String| self.exception(env, at, msg, Vec::new());
        let bad = |i: usize, want: &str| {
            let got = args.get(i).map_or("nothing", Value::type_name);
            self.error(
                env,
                at,
                ErrorKind::Type,
                format!(
                    "type error: argument {} of {n:?} must be a {want}, not a {got}",
                    i + 1
                ),
            )
        };
        let re = |i: usize| {
            args.get(i)
                .and_then(Value::as_regexp)
                .ok_or_else(|| bad(i, "regexp"))
        };
        let st = |i: usize| match args.get(i) {
            Some(Value::Str(s)) => Ok(s.clone()),
            _ => Err(bad(i, "string")),
        };
        let ln = |i: usize| match args.get(i) {
            Some(Value::Lens(l)) => Ok(l.clone()),
            _ => Err(bad(i, "lens")),
        };
        let tr = |i: usize| match args.get(i) {
            Some(Value::Tree(t)) => Ok(t.clone()),
            _ => Err(bad(i, "tree")),
        };
        let lens_val = |l: Lens| Ok(self.made(env, at, l));
        let edit = |i: usize, f: &dyn Fn(&mut Tree) -> Result<(), String>| {
            let mut t = to_tree(&tr(i)?);
            f(&mut t).map_err(exn)?;
            Ok(Value::Tree(Rc::new(from_tree(&t))))
        };
        use Native::*;
        match n {
            Del => {
                let (r, d) = (re(0)?, st(1)?);
                if self.options.typecheck && !r.is_match_literal(d.as_bytes()) {
                    return Err(exn(format!(
                        "del: the default value '{d}' does not match /{r}/"
                    )));
                }
                lens_val(lens::del(r, &d))
            }
            Store => lens_val(lens::store(re(0)?)),
            Key => lens_val(lens::key(re(0)?)),
            Label => lens_val(lens::label(&st(0)?)),
            Val => lens_val(lens::value(&st(0)?)),
            Seq => lens_val(lens::seq(&st(0)?)),
            Counter => lens_val(lens::counter(&st(0)?)),
            Square => {
                let (l, b, r) = (ln(0)?, ln(1)?, ln(2)?);
                let s = lens::square(l.clone(), b.clone(), r.clone())
                    .map_err(|e| self.lens_error(env, at, e))?;
                if self.checks_lenses() {
                    // C checks the concatenation of the three as it makes the square.
                    let lb = lens::concat(vec![l.clone(), b.clone()])
                        .map_err(|e| self.lens_error(env, at, e))?;
                    lens::check_new_concat(&l, &b)
                        .and_then(|()| lens::check_new_concat(&lb, &r))
                        .map_err(|c| self.check_error(env, at, c))?;
                }
                lens_val(s)
            }
            Get => {
                let (l, s) = (ln(0)?, st(1)?);
                let p = l.get(&s).map_err(|x| self.get_exception(env, at, x))?;
                Ok(Value::Tree(Rc::new(p.children)))
            }
            Put => {
                let (l, t, s) = (ln(0)?, tr(1)?, st(2)?);
                let tree = to_tree(&t);
                l.put(&tree, tree.root(), &s)
                    .map(|o| Value::Str(Rc::from(o)))
                    .map_err(|x| exn(format!("put failed: {x}")))
            }
            Set => {
                let (p, v) = (st(0)?, st(1)?);
                edit(2, &|t| pathx::set(t, &p, Some(&v)))
            }
            Clear => {
                let p = st(0)?;
                edit(1, &|t| pathx::set(t, &p, None))
            }
            Rm => {
                let p = st(0)?;
                edit(1, &|t| pathx::rm(t, &p))
            }
            Insa | Insb => {
                let (l, p) = (st(0)?, st(1)?);
                edit(2, &|t| pathx::insert(t, &l, &p, n == Insb))
            }
            Incl | Excl => Ok(Value::Filter(Rc::new(vec![(
                n == Incl,
                st(0)?.to_string(),
            )]))),
            Transform => {
                let l = ln(0)?;
                let Some(Value::Filter(f)) = args.get(1) else {
                    return Err(bad(1, "filter"));
                };
                for (flag, what) in [(l.sets_value(), "value"), (l.sets_key(), "key")] {
                    if flag {
                        return Err(exn(format!(
                            "Can not build a transform from a lens that leaves a {what} behind"
                        )));
                    }
                }
                Ok(Value::Transform(l, f.clone()))
            }
            Gensym => Ok(Value::Str(Rc::from(format!("{}0", st(0)?)))),
            Getenv => Ok(Value::Str(Rc::from(
                std::env::var(&*st(0)?).unwrap_or_default(),
            ))),
            ReadFile => {
                let path = st(0)?;
                crate::fs::read_text(std::path::Path::new(&*path))
                    .map(|s| Value::Str(Rc::from(s)))
                    .map_err(|x| {
                        // C's words: the file, then strerror's.
                        let why = x.to_string();
                        let why = why.split(" (os error").next().unwrap_or_default();
                        self.exception(
                            env,
                            at,
                            format!("reading file {path} failed:"),
                            vec![format!("    {why}")],
                        )
                    })
            }
            PrintString | PrintEndline => {
                let s = st(0)?;
                self.emit(if n == PrintEndline {
                    format!("{s}\n")
                } else {
                    s.to_string()
                });
                Ok(Value::Unit)
            }
            PrintRegexp => {
                let r = re(0)?;
                self.emit(format!("/{r}/"));
                Ok(Value::Unit)
            }
            PrintTree => {
                let t = tr(0)?;
                self.emit(format!("{}\n", format_forest(&t)));
                Ok(Value::Tree(t))
            }
            LensCtype => {
                let l = ln(0)?;
                if l.is_recursive() {
                    return Err(exn(
                        "lens_ctype: the text language of a recursive lens is not regular"
                            .to_owned(),
                    ));
                }
                Ok(Value::Regexp(l.ctype().clone()))
            }
            LensAtype => Ok(Value::Regexp(ln(0)?.atype().clone())),
            LensKtype => Ok(Value::Regexp(
                ln(0)?.0.ktype.clone().unwrap_or_else(Regex::epsilon),
            )),
            LensVtype => Ok(Value::Regexp(
                ln(0)?.0.vtype.clone().unwrap_or_else(Regex::epsilon),
            )),
            LensFormatAtype => Ok(Value::Str(Rc::from(ln(0)?.atype().to_string()))),
            RegexpMatch => {
                let (r, s) = (re(0)?, st(1)?);
                let end = r.longest_match(s.as_bytes(), 0, s.len()).unwrap_or(0);
                Ok(Value::Str(Rc::from(s.get(..end).unwrap_or_default())))
            }
            CheckRec => Err(self.error(
                env,
                at,
                ErrorKind::Unsupported,
                "recursive lenses are not supported yet",
            )),
        }
    }
}

fn set_cell(module: &ModuleState, idx: usize, c: Cell) {
    if let Some(slot) = module.cells.borrow_mut().get_mut(idx) {
        *slot = c;
    }
}
