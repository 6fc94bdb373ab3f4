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
//! Evaluation is lazy per binding: a definition that fails only fails the tests that
//! reach it. [`Options::strict`] instead
//! evaluates every binding of every loaded module, as C's `augparse` does.

mod ast;
mod autoload;
mod cache;
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
use ast::{Decl, Expect, TestKind};
use eval::{Cell, Env, ModuleState};
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
}

impl LangError {
    pub(crate) fn new(file: &str, span: Span, message: impl Into<String>) -> LangError {
        LangError {
            file: file.to_owned(),
            span,
            message: message.into(),
            kind: ErrorKind::Syntax,
        }
    }
}

/// How modules are evaluated.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Run the typechecks Augeas gates behind `AUG_TYPE_CHECK`: a `del` default must match
    /// its regexp (checked as the `del` is built), and the lens of each test must pass
    /// [`Lens::typecheck_full`](crate::lens::Lens::typecheck_full) (unambiguous
    /// concatenations and iterations, disjoint unions), or the test fails.
    pub typecheck: bool,
    /// Evaluate every binding of every loaded module, failing the whole module on the
    /// first error, as C `augparse` does. Off: only what tests reach is evaluated.
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
        }
    }

    pub(crate) fn emit(&self, s: String) {
        self.output.borrow_mut().push_str(&s);
    }

    /// Parses `src` as the module in file `file` and registers it.
    fn register(&self, file: &str, src: &str) -> Result<Rc<ModuleState>, LangError> {
        let ast = parser::parse_module(file, src)?;
        let stem = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem != ast.name.to_lowercase() {
            return Err(LangError {
                file: file.to_owned(),
                span: Span::at(src.as_bytes(), 0),
                message: format!(
                    "module {} must be in a file named {}.aug",
                    ast.name,
                    ast.name.to_lowercase()
                ),
                kind: ErrorKind::Type,
            });
        }
        // Augeas rejects most redefinitions; test modules redefine `_`, so a later
        // binding simply shadows an earlier one here.
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
            ast,
            index,
            cells: RefCell::new(vec![Cell::Unevaluated; n]),
        });
        self.modules
            .borrow_mut()
            .insert(m.name.to_lowercase(), Ok(m.clone()));
        if self.options.strict {
            for (i, d) in m.ast.decls.iter().enumerate() {
                if matches!(d, Decl::Let(_)) {
                    self.force(&m, i)?;
                }
            }
        }
        Ok(m)
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
        })?;
        self.run_source(&file, &src)
    }

    /// Loads `src` as the module in file `file` (whose name must match the module's) and
    /// runs its tests.
    pub fn run_source(&self, file: &str, src: &str) -> Result<TestReport, LangError> {
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
                self.put_test(&l, &s, cmds, t.span, env)
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
                let same = match (&got, &want) {
                    (Value::Tree(a), Value::Tree(b)) => forest_eq(a, b),
                    (Value::Str(a), Value::Str(b)) => a == b,
                    _ => false,
                };
                if same {
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
        span: Span,
        env: &Env,
    ) -> Result<Value, LangError> {
        let exn = |message: String| LangError {
            file: env.module.file.to_string(),
            span,
            message,
            kind: ErrorKind::Exception,
        };
        let parsed = l.get(s).map_err(|e| exn(format!("get failed: {e}")))?;
        let tree = self.apply(cmds, Value::Tree(Rc::new(parsed.children)), span, env)?;
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

fn show(v: &Value) -> String {
    match v {
        Value::Tree(t) => format!("\n{}", format_forest(t)),
        _ => v.to_string(),
    }
}
