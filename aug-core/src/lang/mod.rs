//! The front end of Augeas's `.aug` lens language: load modules from a search path,
//! evaluate their bindings lazily to aug-core lenses, and run their `test` declarations.
//!
//! ```no_run
//! use aug_core::lang::{Interpreter, Options};
//! let interp = Interpreter::new(vec!["/usr/share/augeas/lenses/dist".into()], Options::default());
//! let report = interp.run_file("/usr/share/augeas/lenses/dist/tests/test_hosts.aug".as_ref()).unwrap();
//! println!("{} passed, {} failed", report.passed, report.failed);
//! ```
//!
//! Evaluation is lazy per binding: a definition that fails only fails the tests that reach
//! it, and a handle builds only the lenses it uses. [`Options::strict`] instead loads
//! modules as C's `augparse` does: each module is typechecked as a whole first (every
//! name bound, every expression well typed), then every declaration is evaluated in order
//! (with the typechecker on, every lens is checked as it is made), and the first failure
//! fails the module, reported with Augeas's messages and positions
//! ([`LangError::report`]).

mod ast;
mod autoload;
mod cache;
mod check;
mod eval;
mod lexer;
mod parser;
mod pathx;
mod prescan;
#[cfg(test)]
mod tests;
mod value;

pub use autoload::{autoload_modules, autoload_modules_cached, lens_modules};

use crate::error::Span;
use ast::{Decl, Expect, Loc, TestKind};
use eval::{At, Cell, Env, ModuleState};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use value::{Value, forest_eq, format_forest};

/// What kind of problem a [`LangError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Lexical or syntax error.
    Syntax,
    /// A type error, an unbound name, or an invalid regexp literal.
    Type,
    /// A runtime exception of the language (failed get/put, lens check, path edit).
    Exception,
    /// A feature aug-rs does not implement yet.
    Unsupported,
    /// A module file that is not on the load path.
    NotFound,
}

/// An error in a `.aug` file, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{span}: {message}")]
pub struct LangError {
    /// The file the error is in.
    pub file: String,
    /// Where in the file.
    pub span: Span,
    /// What went wrong.
    pub message: String,
    /// The category of the error.
    pub kind: ErrorKind,
    /// The error as augparse reports it, one line each, with Augeas's wording and its
    /// positions (`FILE:LINE.COL-.COL:MESSAGE`, columns from 0): what failed to compile
    /// or load, the exception, and the lines that explain it.
    pub report: Vec<String>,
}

impl LangError {
    pub(crate) fn new(file: &str, span: Span, message: impl Into<String>) -> LangError {
        let message = message.into();
        let at = Loc::new(span, span);
        LangError {
            report: vec![format!("{file}:{at}:{message}")],
            file: file.to_owned(),
            span,
            message,
            kind: ErrorKind::Syntax,
        }
    }

    /// The lines augparse prints for this error ([`LangError::report`], or the error
    /// itself when it has none).
    pub fn report_lines(&self) -> Vec<String> {
        if self.report.is_empty() {
            vec![self.to_string()]
        } else {
            self.report.clone()
        }
    }
}

/// How modules are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Run the typechecks Augeas gates behind `AUG_TYPE_CHECK`: a `del` default must match
    /// its regexp (checked as the `del` is built), and the lens of each test must pass
    /// [`Lens::typecheck_full`](crate::lens::Lens::typecheck_full) (unambiguous
    /// concatenations and iterations, disjoint unions), or the test fails.
    pub typecheck: bool,
    /// Load modules as C `augparse` does: typecheck each module as a whole, then evaluate
    /// every declaration in order (lenses checked as they are made, when `typecheck` is
    /// on), failing the whole module on the first error or failing test. Off: only what
    /// tests reach is evaluated, and each test fails or passes alone.
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            typecheck: true,
            strict: false,
        }
    }
}

/// The outcome of running the tests of one module.
#[derive(Debug, Clone, Default)]
pub struct TestReport {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Failure reports and `print_*`/`= ?` output, in order.
    pub output: String,
    /// In strict mode, the report of the test that failed, which ended the module (as
    /// augparse prints it; empty when every test passed).
    pub failure: Vec<String>,
}

/// Loads `.aug` modules and runs their tests.
#[derive(Debug)]
pub struct Interpreter {
    load_path: Vec<PathBuf>,
    pub(crate) options: Options,
    modules: RefCell<HashMap<String, Result<Rc<ModuleState>, LangError>>>,
    output: RefCell<String>,
    /// The lenses (and their parts) the full typechecker has passed, by address.
    typechecked: RefCell<rustc_hash::FxHashMap<usize, crate::lens::Lens>>,
    /// Whether to record the module files loaded (see [`Interpreter::trace`]).
    tracing: std::cell::Cell<bool>,
    /// `Module FILE loaded` for each module file loaded, while tracing.
    trace: RefCell<Vec<String>>,
}

impl Drop for Interpreter {
    /// A module's cells hold closures whose environments hold the module: emptying the
    /// cells breaks those reference cycles, which would otherwise outlive the interpreter.
    fn drop(&mut self) {
        for m in self.modules.get_mut().values().flatten() {
            m.cells.borrow_mut().clear();
        }
    }
}

impl Interpreter {
    /// An interpreter that finds `Name` as `name.aug` in the directories of `load_path`.
    pub fn new(load_path: Vec<PathBuf>, options: Options) -> Self {
        Interpreter {
            load_path,
            options,
            modules: RefCell::new(HashMap::new()),
            output: RefCell::new(String::new()),
            typechecked: RefCell::default(),
            tracing: std::cell::Cell::new(false),
            trace: RefCell::default(),
        }
    }

    /// Records each module file as it starts loading (augparse's `--trace`); the lines
    /// (`Module FILE loaded`) are taken with [`Interpreter::take_trace`].
    pub fn set_trace(&self, on: bool) {
        self.tracing.set(on);
    }

    /// The trace lines recorded since the last call.
    pub fn take_trace(&self) -> Vec<String> {
        std::mem::take(&mut *self.trace.borrow_mut())
    }

    pub(crate) fn emit(&self, s: String) {
        self.output.borrow_mut().push_str(&s);
    }

    /// Parses `src` as the module in file `file` and registers it; in strict mode, also
    /// typechecks it and evaluates its declarations (running its tests).
    fn register(&self, file: &str, src: &str) -> Result<Rc<ModuleState>, LangError> {
        let m = self.parse(file, src)?;
        if self.options.strict {
            self.typecheck_module(&m)?;
            let report = self.compile(&m)?;
            if report.failed > 0 {
                let mut lines = vec![format!("Failed to load {file}")];
                lines.extend(report.failure);
                let e = LangError {
                    file: file.to_owned(),
                    span: Span::default(),
                    message: format!("a test of {} failed", m.name),
                    kind: ErrorKind::Exception,
                    report: lines,
                };
                self.modules
                    .borrow_mut()
                    .insert(m.name.to_lowercase(), Err(e.clone()));
                return Err(e);
            }
        }
        Ok(m)
    }

    /// Parses `src` as the module in file `file` and makes it known by its name.
    fn parse(&self, file: &str, src: &str) -> Result<Rc<ModuleState>, LangError> {
        if self.tracing.get() {
            self.trace
                .borrow_mut()
                .push(format!("Module {file} loaded"));
        }
        let ast = parser::parse_module(file, src)?;
        let stem = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem != ast.name.to_lowercase() {
            let message = format!(
                "The module {} must be in a file named {}.aug",
                ast.name,
                ast.name.to_lowercase()
            );
            return Err(LangError {
                report: vec![format!("{file}:{}:{message}", ast.header)],
                file: file.to_owned(),
                span: ast.header.start,
                message,
                kind: ErrorKind::Type,
            });
        }
        // Augeas rejects most redefinitions (the typechecker of strict mode reports them);
        // test modules redefine `_`, so a later binding simply shadows an earlier one here.
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in ast.decls.iter().enumerate() {
            if let Decl::Let(b) = d {
                index.entry(b.name.clone()).or_default().push(i);
            }
        }
        let n = ast.decls.len();
        let m = Rc::new(ModuleState {
            name: ast.name.clone(),
            file: Rc::from(file),
            file_arc: std::sync::Arc::from(file),
            types: RefCell::new(Vec::new()),
            ast,
            index,
            cells: RefCell::new(vec![Cell::Unevaluated; n]),
        });
        self.modules
            .borrow_mut()
            .insert(m.name.to_lowercase(), Ok(m.clone()));
        Ok(m)
    }

    /// Runs the static typechecker over module `m` (see the `check` module), keeping the
    /// types it found; fails with every error it reports.
    fn typecheck_module(&self, m: &Rc<ModuleState>) -> Result<(), LangError> {
        let (types, errors) = check::check_module(self, m);
        *m.types.borrow_mut() = types;
        let Some(first) = errors.first() else {
            return Ok(());
        };
        let message = first
            .last()
            .and_then(|l| l.rsplit(':').next())
            .unwrap_or_default()
            .to_owned();
        let e = LangError {
            file: m.file.to_string(),
            span: Span::default(),
            message,
            kind: ErrorKind::Type,
            report: errors.into_iter().flatten().collect(),
        };
        self.modules
            .borrow_mut()
            .insert(m.name.to_lowercase(), Err(e.clone()));
        Err(e)
    }

    /// Evaluates the declarations of `m` in order, as Augeas compiles a module: each
    /// binding, and each test, stopping at the first test that fails (reported in the
    /// returned report). A binding that fails is the error.
    fn compile(&self, m: &Rc<ModuleState>) -> Result<TestReport, LangError> {
        let mut report = TestReport::default();
        for (i, d) in m.ast.decls.iter().enumerate() {
            match d {
                Decl::Let(b) => {
                    let r = self.force(m, i);
                    // What `print_*` printed, in order with the tests' output.
                    let printed = std::mem::take(&mut *self.output.borrow_mut());
                    report.output.push_str(&printed);
                    if let Err(e) = r {
                        let mut lines =
                            vec![format!("{}:{}:Failed to compile {}", m.file, b.loc, b.name)];
                        lines.extend(e.report_lines());
                        let e = LangError { report: lines, ..e };
                        self.modules
                            .borrow_mut()
                            .insert(m.name.to_lowercase(), Err(e.clone()));
                        return Err(e);
                    }
                }
                Decl::Test(t) => {
                    let env = Env::top(m.clone(), i);
                    let outcome = self.run_test_strict(t, &env);
                    let printed = std::mem::take(&mut *self.output.borrow_mut());
                    report.output.push_str(&printed);
                    match outcome {
                        Ok(()) => report.passed += 1,
                        Err(lines) => {
                            report.failed += 1;
                            report.failure = lines;
                            break;
                        }
                    }
                }
            }
        }
        Ok(report)
    }

    /// The module `name`, loaded from the search path on first use.
    pub(crate) fn load_module(&self, name: &str) -> Result<Rc<ModuleState>, LangError> {
        let key = name.to_lowercase();
        if let Some(m) = self.modules.borrow().get(&key) {
            return m.clone();
        }
        let fname = format!("{key}.aug");
        for dir in &self.load_path {
            let p = dir.join(&fname);
            if let Ok(src) = crate::fs::read_text(&p) {
                let r = self.register(&p.to_string_lossy(), &src);
                self.modules.borrow_mut().insert(key, r.clone());
                return r;
            }
        }
        Err(LangError {
            file: fname,
            span: Span::default(),
            message: format!("module {name} not found on the load path"),
            kind: ErrorKind::NotFound,
            report: Vec::new(),
        })
    }

    /// Loads the module in file `path` and runs its tests.
    pub fn run_file(&self, path: &Path) -> Result<TestReport, LangError> {
        let file = path.to_string_lossy().into_owned();
        let src = crate::fs::read_text(path).map_err(|e| LangError {
            file: file.clone(),
            span: Span::default(),
            message: e.to_string(),
            kind: ErrorKind::NotFound,
            report: Vec::new(),
        })?;
        self.run_source(&file, &src)
    }

    /// Loads `src` as the module in file `file` (whose name must match the module's) and
    /// runs its tests. In strict mode, a module that fails to load is the error, and the
    /// report ends at the first test that fails.
    pub fn run_source(&self, file: &str, src: &str) -> Result<TestReport, LangError> {
        if self.options.strict {
            let m = self.parse(file, src)?;
            self.typecheck_module(&m)?;
            return self.compile(&m);
        }
        let m = self.register(file, src)?;
        let mut report = TestReport::default();
        for (i, d) in m.ast.decls.iter().enumerate() {
            let Decl::Test(t) = d else { continue };
            let env = Env::top(m.clone(), i);
            let outcome = self.run_test(t, &env);
            let printed = std::mem::take(&mut *self.output.borrow_mut());
            report.output.push_str(&printed);
            match outcome {
                Ok(()) => report.passed += 1,
                Err(msg) => {
                    report.failed += 1;
                    report.output.push_str(&format!(
                        "{file}:{}: test failed: {}\n",
                        t.span,
                        crate::error::clip(&msg)
                    ));
                }
            }
        }
        Ok(report)
    }

    /// Runs one test as augparse does in strict mode: the test's lens and text are
    /// evaluated like any expression (lenses are checked as they are made), and any
    /// exception is what `= *` expects. `Err` carries the lines of the failure report.
    fn run_test_strict(&self, t: &ast::Test, env: &Env) -> Result<(), Vec<String>> {
        let file = &env.module.file;
        let here = format!("{file}:{}:", t.loc);
        let result = self.test_value(t, env);
        let result = match result {
            Err(e) if e.kind != ErrorKind::Exception => {
                let mut lines = vec![format!("{here}exception thrown in test")];
                lines.extend(e.report_lines());
                return Err(lines);
            }
            r => r,
        };
        match (&t.expect, result) {
            (Expect::Failure, Err(_)) => Ok(()),
            (Expect::Failure, Ok(v)) => Err(vec![
                format!("{here}Test run should have produced exception, but produced"),
                show(&v),
            ]),
            (_, Err(e)) => {
                let mut lines = vec![format!("{here}exception thrown in test")];
                lines.extend(e.report_lines());
                Err(lines)
            }
            (Expect::Print, Ok(v)) => {
                self.emit(format!("Test result: {here}\n{}\n", show(&v)));
                Ok(())
            }
            (Expect::Value(e), Ok(got)) => {
                let want = self.eval(e, env).map_err(|e| e.report_lines())?;
                if same_value(&got, &want) {
                    Ok(())
                } else {
                    Err(vec![
                        format!("Test failure:{here}"),
                        format!(" Expected:{}", show(&want)),
                        String::new(),
                        format!(" Actual:{}", show(&got)),
                    ])
                }
            }
        }
    }

    /// The value a test computes: the tree `get` gives, or the text `put` gives.
    fn test_value(&self, t: &ast::Test, env: &Env) -> Result<Value, LangError> {
        let at = At {
            span: t.span,
            loc: t.loc,
        };
        let lens = |e: &ast::Expr| match self.eval(e, env)? {
            Value::Lens(l) => Ok(l),
            v => Err(self.exception(
                env,
                at,
                format!("expected a lens, got a {}", v.type_name()),
                Vec::new(),
            )),
        };
        let string = |e: &ast::Expr| match self.eval(e, env)? {
            Value::Str(s) => Ok(s),
            v => Err(self.exception(
                env,
                at,
                format!("expected a string, got a {}", v.type_name()),
                Vec::new(),
            )),
        };
        match &t.kind {
            TestKind::Get { lens: l, input } => {
                // C reports a failed get at the application `L get S`.
                let applied = At {
                    span: t.span,
                    loc: Loc::new(l.loc.start, input.loc.end),
                };
                let (l, s) = (lens(l)?, string(input)?);
                l.get(&s)
                    .map(|p| Value::Tree(Rc::new(p.children)))
                    .map_err(|e| self.get_exception(env, applied, e))
            }
            TestKind::Put {
                lens: l,
                input,
                commands,
            } => {
                let (l, s) = (lens(l)?, string(input)?);
                let cmds = self.eval(commands, env)?;
                self.put_test(&l, &s, cmds, at, env)
            }
        }
    }

    /// Runs one test; `Err` carries the failure report.
    fn run_test(&self, t: &ast::Test, env: &Env) -> Result<(), String> {
        let lens_of = |e: &ast::Expr| match self.eval(e, env) {
            Ok(Value::Lens(l)) => {
                if self.options.typecheck {
                    l.typecheck_unseen(&mut self.typechecked.borrow_mut())
                        .map_err(|e| format!("typecheck failed: {e}"))?;
                }
                Ok(l)
            }
            Ok(v) => Err(format!("expected a lens, got a {}", v.type_name())),
            Err(e) => Err(e.to_string()),
        };
        let string_of = |e: &ast::Expr| match self.eval(e, env) {
            Ok(Value::Str(s)) => Ok(s),
            Ok(v) => Err(format!("expected a string, got a {}", v.type_name())),
            Err(e) => Err(e.to_string()),
        };
        // The operation itself: its exceptions are what `= *` expects.
        let result: Result<Value, LangError> = match &t.kind {
            TestKind::Get { lens, input } => {
                let (l, s) = (lens_of(lens)?, string_of(input)?);
                match l.get(&s) {
                    Ok(p) => Ok(Value::Tree(Rc::new(p.children))),
                    Err(e) => Err(LangError {
                        file: env.module.file.to_string(),
                        span: t.span,
                        message: format!("get failed: {e}"),
                        kind: ErrorKind::Exception,
                        report: Vec::new(),
                    }),
                }
            }
            TestKind::Put {
                lens,
                input,
                commands,
            } => {
                let (l, s) = (lens_of(lens)?, string_of(input)?);
                let cmds = self.eval(commands, env).map_err(|e| e.to_string())?;
                let at = At {
                    span: t.span,
                    loc: t.loc,
                };
                self.put_test(&l, &s, cmds, at, env)
            }
        };
        match (&t.expect, result) {
            (Expect::Failure, Err(e)) if e.kind == ErrorKind::Exception => Ok(()),
            (Expect::Failure, Err(e)) => Err(e.to_string()),
            (Expect::Failure, Ok(v)) => Err(format!("expected an exception, got {v}")),
            (_, Err(e)) => Err(e.to_string()),
            (Expect::Print, Ok(v)) => {
                self.emit(format!("{}: {v}\n", t.span));
                Ok(())
            }
            (Expect::Value(e), Ok(got)) => {
                let want = self.eval(e, env).map_err(|e| e.to_string())?;
                if same_value(&got, &want) {
                    Ok(())
                } else {
                    Err(format!(
                        "\n  expected: {}\n  actual:   {}",
                        show(&want),
                        show(&got)
                    ))
                }
            }
        }
    }

    fn put_test(
        &self,
        l: &crate::lens::Lens,
        s: &str,
        cmds: Value,
        at: At,
        env: &Env,
    ) -> Result<Value, LangError> {
        let exn = |message: String| self.exception(env, at, message, Vec::new());
        let parsed = l.get(s).map_err(|e| exn(format!("get failed: {e}")))?;
        let tree = self.apply(cmds, Value::Tree(Rc::new(parsed.children)), at, env)?;
        let Value::Tree(t) = tree else {
            return Err(LangError {
                kind: ErrorKind::Type,
                ..exn(format!("commands returned a {}", tree.type_name()))
            });
        };
        let tree = eval::to_tree(&t);
        l.put(&tree, tree.root(), s)
            .map(|o| Value::Str(Rc::from(o)))
            .map_err(|e| exn(format!("put failed: {e}")))
    }
}

/// Whether a test's result equals the expected value (trees by labels, values and
/// children; strings byte for byte).
fn same_value(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Tree(a), Value::Tree(b)) => forest_eq(a, b),
        (Value::Str(a), Value::Str(b)) => a == b,
        _ => false,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Tree(t) => format!("\n{}", format_forest(t)),
        _ => v.to_string(),
    }
}
