//! The static typechecker of the lens language, run on a whole module before any of it is
//! evaluated (as Augeas does when it loads a module): every name bound, every operator and
//! application well typed (`string` is the one subtype, of `regexp`), every regexp
//! literal valid, no name defined twice, and test results of the type their test gives.
//! Errors are reported with Augeas's words and positions, all of them, as augparse does.

use super::ast::{BinOp, Binding, Decl, Expect, Expr, ExprKind, Loc, Test, TestKind, Type};
use super::eval::ModuleState;
use super::value::Native;
use super::{ErrorKind, Interpreter};
use std::fmt;
use std::rc::Rc;

/// A type of the lens language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ty {
    String,
    Regexp,
    Lens,
    Tree,
    Filter,
    Transform,
    Unit,
    Arrow(Rc<Ty>, Rc<Ty>),
}

impl Ty {
    fn of(t: &Type) -> Ty {
        match t {
            Type::String => Ty::String,
            Type::Regexp => Ty::Regexp,
            Type::Lens => Ty::Lens,
            Type::Tree => Ty::Tree,
            Type::Filter => Ty::Filter,
            Type::Transform => Ty::Transform,
            Type::Unit => Ty::Unit,
            Type::Arrow(a, b) => arrow(Ty::of(a), Ty::of(b)),
        }
    }

    /// The type as Augeas names it in `expected … but found …`: a function type is just
    /// `function`.
    fn short(&self) -> String {
        match self {
            Ty::Arrow(..) => "function".to_owned(),
            t => t.to_string(),
        }
    }

    /// Whether a value of this type can stand where `other` is expected.
    fn sub(&self, other: &Ty) -> bool {
        match (self, other) {
            (Ty::String, Ty::Regexp) => true,
            (Ty::Arrow(a1, r1), Ty::Arrow(a2, r2)) => a2.sub(a1) && r1.sub(r2),
            _ => self == other,
        }
    }
}

fn arrow(a: Ty, b: Ty) -> Ty {
    Ty::Arrow(Rc::new(a), Rc::new(b))
}

/// Augeas's notation: `string -> lens`, `(string -> string) -> string`.
impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::String => f.write_str("string"),
            Ty::Regexp => f.write_str("regexp"),
            Ty::Lens => f.write_str("lens"),
            Ty::Tree => f.write_str("tree"),
            Ty::Filter => f.write_str("filter"),
            Ty::Transform => f.write_str("transform"),
            Ty::Unit => f.write_str("unit"),
            Ty::Arrow(a, b) => match **a {
                Ty::Arrow(..) => write!(f, "({a}) -> {b}"),
                _ => write!(f, "{a} -> {b}"),
            },
        }
    }
}

/// The type of a builtin.
pub(crate) fn native_type(n: Native) -> Ty {
    use Native::*;
    use Ty::{Filter as F, Lens as L, Regexp as R, String as S, Tree as T, Unit as U};
    let f = |args: &[Ty], res: Ty| args.iter().rev().fold(res, |acc, a| arrow(a.clone(), acc));
    match n {
        Del => f(&[R, S], L),
        Store | Key => f(&[R], L),
        Label | Val | Seq | Counter => f(&[S], L),
        Square => f(&[L, L, L], L),
        Get => f(&[L, S], T),
        Put => f(&[L, T, S], S),
        Set | Insa | Insb => f(&[S, S, T], T),
        Clear | Rm => f(&[S, T], T),
        Incl | Excl => f(&[S], F),
        Transform => f(&[L, F], Ty::Transform),
        Gensym | Getenv | ReadFile => f(&[S], S),
        PrintString | PrintEndline => f(&[S], U),
        PrintRegexp => f(&[R], U),
        PrintTree => f(&[T], T),
        LensCtype | LensAtype | LensKtype | LensVtype => f(&[L], R),
        LensFormatAtype => f(&[L], S),
        RegexpMatch => f(&[R, S], S),
        CheckRec => f(&[L, L], L),
    }
}

/// One error: its lines as augparse prints them (`FILE:POSITION:MESSAGE`).
pub(crate) type Report = Vec<String>;

/// Typechecks `module`: the type of each declaration (`None` for tests and for bindings
/// that do not typecheck), and the errors found, in order.
pub(crate) fn check_module(
    interp: &Interpreter,
    module: &Rc<ModuleState>,
) -> (Vec<Option<Ty>>, Vec<Report>) {
    let mut c = Checker {
        interp,
        module,
        types: Vec::with_capacity(module.ast.decls.len()),
        locals: Vec::new(),
        errors: Vec::new(),
    };
    for (i, d) in module.ast.decls.iter().enumerate() {
        let t = match d {
            Decl::Let(b) => c.top_binding(b, i),
            Decl::Test(t) => {
                c.test(t);
                None
            }
        };
        c.types.push(t);
    }
    if let Some(x) = &module.ast.autoload {
        let header = module.ast.header;
        match module.visible(x, usize::MAX) {
            None => c.one(header, format!("Undefined transform in autoload {x}")),
            Some(i) => match c.types.get(i) {
                Some(Some(Ty::Transform)) | Some(None) => {}
                Some(Some(t)) => {
                    let t = t.short();
                    c.one(
                        header,
                        format!("type error: expected transform but found {t}"),
                    );
                }
                None => {}
            },
        }
    }
    (c.types, c.errors)
}

struct Checker<'a> {
    interp: &'a Interpreter,
    module: &'a Rc<ModuleState>,
    /// The types of the declarations checked so far.
    types: Vec<Option<Ty>>,
    /// Parameters and `let … in` names in scope, innermost last.
    locals: Vec<(String, Ty)>,
    errors: Vec<Report>,
}

/// The name every module may define again (Augeas's test modules use `let _ = …`).
const ANONYMOUS: &str = "_";

impl Checker<'_> {
    fn error(&mut self, lines: Vec<(Loc, String)>) {
        let file = &self.module.file;
        self.errors.push(
            lines
                .into_iter()
                .map(|(loc, msg)| format!("{file}:{loc}:{msg}"))
                .collect(),
        );
    }

    fn one(&mut self, loc: Loc, msg: String) {
        self.error(vec![(loc, msg)]);
    }

    /// `Type error: ` followed by the explanation, as Augeas words it.
    fn type_error(&mut self, loc: Loc, msg: String) {
        self.error(vec![(loc, "Type error: ".to_owned()), (loc, msg)]);
    }

    fn top_binding(&mut self, b: &Binding, idx: usize) -> Option<Ty> {
        if b.name != ANONYMOUS
            && self
                .module
                .visible(&b.name, idx)
                .is_some_and(|j| self.types.get(j).is_some_and(Option::is_some))
        {
            self.one(b.loc, format!("the name {} is already defined", b.name));
            return None;
        }
        self.binding(b)
    }

    /// The type of a binding: its parameters' types to its body's.
    fn binding(&mut self, b: &Binding) -> Option<Ty> {
        if b.recursive {
            self.locals.push((b.name.clone(), Ty::Lens));
            let t = self.expr(&b.body);
            self.locals.pop();
            let t = t?;
            if !t.sub(&Ty::Lens) {
                let loc = b.body.loc;
                self.error(vec![
                    (loc, format!("type error: expected lens but found {t}")),
                    (loc, "Type error: ".to_owned()),
                    (
                        loc,
                        format!(
                            "application of {} and {t} is not possible",
                            native_type(Native::CheckRec)
                        ),
                    ),
                ]);
                return None;
            }
            return Some(Ty::Lens);
        }
        let n = self.locals.len();
        for p in &b.params {
            self.locals.push((p.name.clone(), Ty::of(&p.ty)));
        }
        let body = self.expr(&b.body);
        self.locals.truncate(n);
        let body = body?;
        Some(
            b.params
                .iter()
                .rev()
                .fold(body, |acc, p| arrow(Ty::of(&p.ty), acc)),
        )
    }

    fn test(&mut self, t: &Test) {
        let (lens, input, commands) = match &t.kind {
            TestKind::Get { lens, input } => (lens, input, None),
            TestKind::Put {
                lens,
                input,
                commands,
            } => (lens, input, Some(commands)),
        };
        let (Some(tl), Some(ti)) = (self.expr(lens), self.expr(input)) else {
            return;
        };
        // `get L S`, or `put L (CMDS (get L S)) S`, located from L to the last argument.
        let end = commands.map_or(input.loc.end, |c| c.loc.end);
        let loc = Loc::new(lens.loc.start, end);
        let get = native_type(Native::Get);
        let Some(after_l) = self.apply_types(loc, &get, &tl) else {
            return;
        };
        let Some(tree) = self.apply_types(loc, &after_l, &ti) else {
            return;
        };
        let result = match commands {
            None => tree,
            Some(c) => {
                let Some(tc) = self.expr(c) else { return };
                if self.apply_types(loc, &tc, &tree).is_none() {
                    return;
                }
                Ty::String
            }
        };
        if let Expect::Value(e) = &t.expect {
            let Some(want) = self.expr(e) else { return };
            if !result.sub(&want) {
                self.type_error(
                    t.loc,
                    format!("expected test result of type {want} but got {result}"),
                );
            }
        }
    }

    /// The result of applying a function of type `f` to an argument of type `a`, or the
    /// error Augeas reports at `loc`.
    fn apply_types(&mut self, loc: Loc, f: &Ty, a: &Ty) -> Option<Ty> {
        let Ty::Arrow(dom, rng) = f else {
            self.type_error(
                loc,
                format!("expected function in application but found {f}"),
            );
            return None;
        };
        if !a.sub(dom) {
            self.error(vec![
                (
                    loc,
                    format!(
                        "type error: expected {} but found {}",
                        dom.short(),
                        a.short()
                    ),
                ),
                (loc, "Type error: ".to_owned()),
                (loc, format!("application of {f} and {a} is not possible")),
            ]);
            return None;
        }
        Some((**rng).clone())
    }

    fn lookup(&mut self, name: &str, loc: Loc) -> Option<Ty> {
        if let Some((_, t)) = self.locals.iter().rev().find(|(n, _)| n == name) {
            return Some(t.clone());
        }
        let limit = self.types.len();
        if let Some(i) = self.module.visible(name, limit) {
            if let Some(Some(t)) = self.types.get(i) {
                return Some(t.clone());
            }
        } else if let Some(n) = Native::lookup(name, false) {
            return Some(native_type(n));
        }
        self.one(loc, format!("Undefined variable {name}"));
        None
    }

    fn lookup_qualified(&mut self, module: &str, name: &str, loc: Loc) -> Option<Ty> {
        let undefined = format!("Undefined variable {module}.{name}");
        if module.eq_ignore_ascii_case(&self.module.name) {
            let limit = self.types.len();
            if let Some(Some(t)) = self
                .module
                .visible(name, limit)
                .and_then(|i| self.types.get(i))
            {
                return Some(t.clone());
            }
            self.one(loc, undefined);
            return None;
        }
        if module == "Sys" || module == "Builtin" {
            if let Some(n) = Native::lookup(name, module == "Sys") {
                return Some(native_type(n));
            }
            self.one(loc, undefined);
            return None;
        }
        let m = match self.interp.load_module(module) {
            Ok(m) => m,
            Err(e) => {
                // Augeas reports the other module's own errors, then this one.
                if e.kind != ErrorKind::NotFound {
                    self.errors.push(e.report.clone());
                }
                self.error(vec![
                    (
                        loc,
                        format!("Could not load module {module} for {module}.{name}"),
                    ),
                    (loc, undefined),
                ]);
                return None;
            }
        };
        let t = m
            .visible(name, usize::MAX)
            .and_then(|i| m.types.borrow().get(i).cloned().flatten());
        if t.is_none() {
            self.one(loc, undefined);
        }
        t
    }

    fn expr(&mut self, e: &Expr) -> Option<Ty> {
        stacker::maybe_grow(super::parser::RED_ZONE, super::parser::GROW, || {
            self.expr_here(e)
        })
    }

    fn expr_here(&mut self, e: &Expr) -> Option<Ty> {
        let loc = e.loc;
        match &e.kind {
            ExprKind::Ident(n) => self.lookup(n, loc),
            ExprKind::Qualified(m, n) => self.lookup_qualified(m, n, loc),
            ExprKind::Str(_) => Some(Ty::String),
            ExprKind::Regexp(r, nocase) => match crate::rx::Regex::parse(r, *nocase) {
                Ok(_) => Some(Ty::Regexp),
                Err(err) => {
                    self.one(
                        loc,
                        format!("Invalid regular expression: {}", gnu_message(&err)),
                    );
                    None
                }
            },
            ExprKind::Unit => Some(Ty::Unit),
            ExprKind::Tree(_) => Some(Ty::Tree),
            ExprKind::Subtree(inner) => {
                let t = self.expr(inner)?;
                if t == Ty::Lens {
                    return Some(Ty::Lens);
                }
                let expected = format!("type error: expected lens but found {t}");
                self.error(vec![
                    (loc, expected.clone()),
                    (loc, expected),
                    (loc, "Type error: ".to_owned()),
                    (loc, format!("[..] is only defined for lenses, not for {t}")),
                ]);
                None
            }
            ExprKind::Postfix(_, inner) => {
                let t = self.expr(inner)?;
                match t {
                    Ty::Lens => Some(Ty::Lens),
                    Ty::String | Ty::Regexp => Some(Ty::Regexp),
                    _ => {
                        let expected =
                            format!("type error: expected regexp, or lens but found {t}");
                        self.error(vec![
                            (loc, expected.clone()),
                            (loc, expected),
                            (loc, "Type error: ".to_owned()),
                            (
                                loc,
                                format!(
                                    "Incompatible types: repetition is only defined for regexp and lens, not for {t}"
                                ),
                            ),
                        ]);
                        None
                    }
                }
            }
            ExprKind::LetIn(b, body) => {
                let t = self.binding(b)?;
                self.locals.push((b.name.clone(), t));
                let r = self.expr(body);
                self.locals.pop();
                r
            }
            ExprKind::Apply(f, a) => {
                let tf = self.expr(f)?;
                let ta = self.expr(a)?;
                self.apply_types(loc, &tf, &ta)
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, loc),
        }
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, loc: Loc) -> Option<Ty> {
        let ta = self.expr(a)?;
        let tb = self.expr(b)?;
        if op == BinOp::Compose {
            if ta == Ty::Unit {
                return Some(tb);
            }
            if let (Ty::Arrow(d1, r1), Ty::Arrow(d2, r2)) = (&ta, &tb)
                && r1.sub(d2)
            {
                return Some(Ty::Arrow(d1.clone(), r2.clone()));
            }
            self.type_error(loc, format!("composition of {ta} and {tb} is not possible"));
            return None;
        }
        let (allowed, what): (&[Ty], &str) = match op {
            BinOp::Concat => (
                &[Ty::String, Ty::Regexp, Ty::Lens, Ty::Filter],
                "concatenation",
            ),
            BinOp::Union => (&[Ty::Regexp, Ty::Lens], "union"),
            _ => (&[Ty::Regexp], "minus"),
        };
        // Augeas reports the first operand of a wrong type only.
        for (t, e) in [(&ta, a), (&tb, b)] {
            if !allowed.iter().any(|x| t.sub(x)) {
                self.one(
                    e.loc,
                    format!(
                        "type error: expected {} but found {}",
                        alternatives(allowed),
                        t.short()
                    ),
                );
                return None;
            }
        }
        match allowed.iter().find(|x| ta.sub(x) && tb.sub(x)) {
            Some(t) => Some(t.clone()),
            None => {
                self.type_error(loc, format!("{what} of {ta} and {tb} is not possible"));
                None
            }
        }
    }
}

/// `string, regexp, or lens`, as Augeas lists the types an operator accepts.
fn alternatives(types: &[Ty]) -> String {
    let names: Vec<String> = types.iter().map(Ty::to_string).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The message GNU regcomp gives for the problem (capitalised, as glibc words it).
pub(crate) fn gnu_message(e: &crate::rx::RxError) -> String {
    match e {
        crate::rx::RxError::Syntax { message, .. } => {
            let mut c = message.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        }
        other => other.to_string(),
    }
}
