//! Autoloading: every `*.aug` module on a load path that declares `autoload xfm` becomes
//! a handle [`Module`]. Only the transform's filter is evaluated when the modules are
//! gathered; its lens is evaluated the first time the handle needs it.
//!
//! The interpreter is single-threaded (`Rc`), but a [`Module`] must be `Send + Sync`. So a
//! deferred lens does not capture the interpreter: it names its load path, module and
//! transform, and is evaluated by an interpreter kept per thread for the most recent
//! load path (replaced each time modules are gathered, so a new handle sees the `.aug`
//! files as they are now). Lenses built one after the other on a thread thus share the
//! modules parsed and the bindings evaluated (Util, Rx, Sep, …); another thread builds its
//! own.

use super::ast::{Decl, Expr, ExprKind};
use super::eval::Env;
use super::value::Value;
use super::{Interpreter, LangError, Options, cache, prescan};
use crate::augeas::Module;
use crate::lens::Lens;
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// An interpreter with the load path and options it was made for.
type Shared = (Arc<[PathBuf]>, OptionsKey, Rc<Interpreter>);

thread_local! {
    /// The interpreter of the most recent load path used on this thread.
    static SHARED: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// The options that change what an interpreter computes.
type OptionsKey = (bool, bool);

fn key(o: &Options) -> OptionsKey {
    (o.typecheck, o.strict)
}

/// The options a handle's interpreter runs with: with the typechecker on (`augtool -c`),
/// modules load strictly, as C loads them (every binding evaluated and checked); else
/// lazily, so that only what a transform uses is built.
fn handle_options(options: Options) -> Options {
    Options {
        strict: options.strict || options.typecheck,
        ..options
    }
}

/// A new interpreter for `load_path` and `options`, which becomes this thread's: each
/// handle opened starts from the `.aug` files as they are now.
fn fresh_interpreter(load_path: &Arc<[PathBuf]>, options: Options) -> Rc<Interpreter> {
    let options = handle_options(options);
    let i = Rc::new(Interpreter::new(load_path.to_vec(), options));
    SHARED.with(|cell| {
        *cell.borrow_mut() = Some((load_path.clone(), key(&options), i.clone()));
    });
    i
}

/// This thread's interpreter for `load_path` and `options`, made if needed.
fn interpreter(load_path: &Arc<[PathBuf]>, options: Options) -> Rc<Interpreter> {
    let options = handle_options(options);
    SHARED.with(|cell| {
        let mut shared = cell.borrow_mut();
        if let Some((p, k, i)) = shared.as_ref()
            && (Arc::ptr_eq(p, load_path) || **p == **load_path)
            && *k == key(&options)
        {
            return i.clone();
        }
        let i = Rc::new(Interpreter::new(load_path.to_vec(), options));
        *shared = Some((load_path.clone(), key(&options), i.clone()));
        i
    })
}

/// The modules on `load_path`, in load-path order (a module name found in several
/// directories is taken from the first, as Augeas does; names compare
/// case-insensitively).
///
/// For a module that declares `autoload`, the filter (`incl`/`excl`) is evaluated now;
/// its lens is deferred (see [`Module::deferred`]). A module that fails to parse, or whose
/// filter fails to evaluate, is returned as [`Module::failed`] with the error, so that the
/// handle reports it under `/augeas/load/NAME/error`, and the other modules are
/// unaffected. The other modules come as [`Module::lens_only`], for transforms to name.
///
/// ```no_run
/// use aug_core::lang::{Options, autoload_modules};
/// let modules = autoload_modules(&["/usr/share/augeas/lenses/dist".into()], Options::default());
/// let fstab = modules.iter().find(|m| m.name == "Fstab").unwrap();
/// assert_eq!(fstab.incl, ["/etc/fstab", "/etc/mtab"]);
/// ```
pub fn autoload_modules(load_path: &[PathBuf], options: Options) -> Vec<Module> {
    autoload_modules_cached(load_path, options, None)
}

/// [`autoload_modules`], with what the scan found kept in a cache file under `cache_dir`
/// (made if missing) and taken from there while no module file of the load path changed
/// (see the `cache` module: same files, sizes, inodes, modification and change times).
/// A cache that cannot be read or written is ignored; modules that fail to load are
/// never cached. Lenses are built from the module files either way.
pub fn autoload_modules_cached(
    load_path: &[PathBuf],
    options: Options,
    cache_dir: Option<&Path>,
) -> Vec<Module> {
    let load_path: Arc<[PathBuf]> = load_path.into();
    let interp = fresh_interpreter(&load_path, options);
    let files = module_files(&load_path);
    let header = cache_dir.and_then(|_| cache::header(options, &files));
    let name = cache::file_name(&load_path, options);
    if let (Some(dir), Some((header, _))) = (cache_dir, &header)
        && let Some(bytes) = crate::fs::read_cache(dir, &name)
        && let Some(found) = cache::decode(&bytes, header, files.len())
    {
        return files
            .iter()
            .zip(found)
            .map(|((path, stem), f)| module_of(&load_path, options, path, stem, Ok(f)))
            .collect();
    }
    let found = scan_modules(&interp, &load_path, options, &files);
    if let (Some(dir), Some((header, newest))) = (cache_dir, &header) {
        // A module changed within the last seconds could change again without its
        // times moving (their resolution is coarse): cache only once things settled.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(i128::MAX, |d| {
                i128::try_from(d.as_nanos()).unwrap_or(i128::MAX)
            });
        let entries: Option<Vec<&cache::Scanned>> = found.iter().map(|f| f.as_ref().ok()).collect();
        if let Some(entries) = entries
            && *newest < now.saturating_sub(SETTLED_NANOS)
        {
            let _ = crate::fs::write_cache(dir, &name, &cache::encode(header, &entries));
        }
    }
    files
        .iter()
        .zip(found)
        .map(|((path, stem), f)| module_of(&load_path, options, path, stem, f))
        .collect()
}

/// How long (in nanoseconds) the module files must have been left alone before their
/// scan is cached: two seconds.
const SETTLED_NANOS: i128 = 2_000_000_000;

/// Scans `files` for autoloaded transforms: what each module is, or the module that
/// reports why it failed.
fn scan_modules(
    interp: &Interpreter,
    load_path: &Arc<[PathBuf]>,
    options: Options,
    files: &[(PathBuf, String)],
) -> Vec<Result<cache::Scanned, Module>> {
    // Reading and scanning some 200 stock modules is most of a handle's startup: with a
    // second core, a helper thread (with interpreters of its own) takes the second half.
    let split = if std::thread::available_parallelism().is_ok_and(|n| n.get() > 1) {
        files.len() / 2
    } else {
        files.len()
    };
    let (mine, theirs) = files.split_at(split);
    let options = handle_options(options);
    let scan = |interp: &Interpreter, files: &[(PathBuf, String)]| {
        // Evaluates filters from a few declarations of each module (see `quick_filter`).
        let mini = Interpreter::new(load_path.to_vec(), options);
        files
            .iter()
            .map(|(path, stem)| autoload_one(interp, &mini, path, stem))
            .collect::<Vec<_>>()
    };
    std::thread::scope(|s| {
        // Without a thread (none can be made), the second half is scanned here too.
        let helper = (!theirs.is_empty())
            .then(|| {
                std::thread::Builder::new().spawn_scoped(s, || {
                    scan(&Interpreter::new(load_path.to_vec(), options), theirs)
                })
            })
            .and_then(Result::ok);
        let mut out = scan(interp, mine);
        match helper {
            Some(h) => out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
            None => out.extend(scan(interp, theirs)),
        }
        out
    })
}

/// The handle module for what scanning the file `path` (named `stem.aug`) found.
fn module_of(
    load_path: &Arc<[PathBuf]>,
    options: Options,
    path: &Path,
    stem: &str,
    found: Result<cache::Scanned, Module>,
) -> Module {
    match found {
        Err(failed) => failed,
        Ok(cache::Scanned::LensOnly) => lens_only(load_path, options, path, stem),
        Ok(cache::Scanned::Autoload {
            name,
            xfm,
            incl,
            excl,
        }) => {
            let load_path = load_path.clone();
            let stem = stem.to_owned();
            let file = path.to_path_buf();
            Module::deferred(name, incl, excl, move || {
                build_lens(&load_path, options, &stem, &xfm)
                    .map_err(|e| format!("Failed to load {}: {e}", file.display()))
            })
        }
    }
}

/// One module per `*.aug` file on `load_path` (the first of each name), named after its
/// file (`fstab.aug` is `Fstab`) with no transform, whose lens is the module's `lns`
/// binding, evaluated on first use. No file is read here: this is what a handle opened
/// with `NO_MODL_AUTOLOAD` needs, so that `transform Fstab incl /etc/fstab` finds
/// `Fstab.lns` (also for modules that do not autoload) without the cost of
/// [`autoload_modules`].
pub fn lens_modules(load_path: &[PathBuf], options: Options) -> Vec<Module> {
    let load_path: Arc<[PathBuf]> = load_path.into();
    fresh_interpreter(&load_path, options);
    module_files(&load_path)
        .iter()
        .map(|(path, stem)| lens_only(&load_path, options, path, stem))
        .collect()
}

/// The module of `path` (named `stem.aug`) for its `lns` alone (see [`Module::lens_only`]),
/// evaluated on first use; nothing is read now.
fn lens_only(load_path: &Arc<[PathBuf]>, options: Options, path: &Path, stem: &str) -> Module {
    let load_path = load_path.clone();
    let (path, stem) = (path.to_path_buf(), stem.to_owned());
    Module::lens_only(capitalize(&stem), move || {
        let interp = interpreter(&load_path, options);
        let module = interp.load_module(&stem).map_err(|e| e.to_string())?;
        let idx = module
            .visible("lns", usize::MAX)
            .ok_or_else(|| format!("Can not find lens {}.lns", module.name))?;
        match interp.force(&module, idx) {
            Ok(Value::Lens(l)) => Ok(l),
            Ok(v) => Err(format!("{}.lns is a {}", module.name, v.type_name())),
            Err(e) => Err(format!("Failed to load {}: {e}", path.display())),
        }
    })
}

/// Every `*.aug` file on `load_path` with its lowercased stem, the first of each name
/// (module names are case-insensitive; earlier directories win).
fn module_files(load_path: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for dir in load_path {
        for name in crate::fs::files_with_suffix(dir, ".aug") {
            let Some(stem) = name.strip_suffix(".aug") else {
                continue;
            };
            let stem = stem.to_lowercase();
            if seen.insert(stem.clone()) {
                out.push((dir.join(&name), stem));
            }
        }
    }
    out
}

/// What the file `path` (named `stem.aug`) is: a module that autoloads (with its
/// filter evaluated), one that does not, or the module reporting why it failed to load.
fn autoload_one(
    interp: &Interpreter,
    mini: &Interpreter,
    path: &Path,
    stem: &str,
) -> Result<cache::Scanned, Module> {
    let lens_only = Ok(cache::Scanned::LensOnly);
    let Ok(src) = crate::fs::read_text(path) else {
        return lens_only;
    };
    // Augeas names a module after its file, capitalised.
    let guessed = capitalize(stem);
    let failed = |e: &dyn std::fmt::Display| {
        Module::failed(
            guessed.clone(),
            format!("Failed to load {}: {e}", path.display()),
        )
    };
    let (declared, xfm) = match header_autoload(&src) {
        Some((n, Some(x))) => (n, x),
        Some((_, None)) => return lens_only,
        // A header we cannot read: only worth reporting if it might autoload.
        None if !src.contains("autoload") => return lens_only,
        None => match interp.load_module(stem) {
            Err(e) => return Err(failed(&e)),
            Ok(_) => return lens_only,
        },
    };
    let (name, filter) = match quick_filter(mini, path, &src, &declared, &xfm) {
        Some(f) => (declared, f),
        None => {
            let module = match interp.load_module(stem) {
                Ok(m) => m,
                Err(e) => return Err(failed(&e)),
            };
            let name = module.name.clone();
            match transform_part(interp, &module, &xfm, Part::Filter) {
                Ok(Value::Filter(f)) => (name, f),
                Ok(v) => {
                    return Err(failed(&format!(
                        "the filter of {name}.{xfm} is a {}",
                        v.type_name()
                    )));
                }
                Err(e) => return Err(failed(&e)),
            }
        }
    };
    let (mut incl, mut excl) = (Vec::new(), Vec::new());
    for (is_incl, glob) in filter.iter() {
        if *is_incl {
            // As Augeas: an `incl` glob is always absolute (Xendconfsxp has one without
            // the leading `/`).
            incl.push(if glob.starts_with('/') {
                glob.clone()
            } else {
                format!("/{glob}")
            });
        } else {
            excl.push(glob.clone());
        }
    }
    Ok(cache::Scanned::Autoload {
        name,
        xfm,
        incl,
        excl,
    })
}

/// The filter of transform `xfm` of module `name` (source `src`), evaluated in `mini`
/// from only the declarations it needs: the module is cut down to them with a cheap scan
/// (`prescan`), which spares parsing the whole module. `None` when the transform is not
/// written `transform LENS FILTER` or the cut-down module fails; the caller then parses
/// and evaluates the whole module, which reports any real error.
fn quick_filter(
    mini: &Interpreter,
    path: &Path,
    src: &str,
    name: &str,
    xfm: &str,
) -> Option<Rc<Vec<(bool, String)>>> {
    let decls = prescan::declarations(src)?;
    let xi = decls.iter().rposition(|d| d.name == Some(xfm))?;
    let text = src.get(decls.get(xi)?.range.clone())?;
    let body = text.get(text.find('=')? + 1..)?;
    let (_, filter) = prescan::transform_args(body)?;
    // The earlier declarations the filter needs, transitively.
    let mut need: HashSet<&str> = prescan::idents(filter)?.into_iter().collect();
    let mut keep = vec![false; xi];
    let mut changed = true;
    while changed {
        changed = false;
        for (d, k) in decls.iter().zip(keep.iter_mut()) {
            if !*k && d.name.is_some_and(|n| need.contains(n)) {
                *k = true;
                changed = true;
                need.extend(d.idents.iter().copied());
            }
        }
    }
    let mut cut = format!("module {name} =\n");
    for (d, _) in decls.iter().zip(&keep).filter(|(_, k)| **k) {
        cut.push_str(src.get(d.range.clone())?);
        cut.push('\n');
    }
    cut.push_str(&format!("let {xfm} = {filter}\n"));
    let file = path.to_string_lossy();
    let value = mini.register(&file, &cut).and_then(|m| {
        let idx = m.visible(xfm, usize::MAX).unwrap_or(usize::MAX);
        mini.force(&m, idx)
    });
    // Forget the cut-down module, so that another module referring to this one loads
    // it whole (and break the reference cycles its closures make, see `Interpreter`'s
    // `Drop`).
    let cut_down = mini.modules.borrow_mut().remove(&name.to_lowercase());
    if let Some(Ok(m)) = cut_down {
        m.cells.borrow_mut().clear();
    }
    match value {
        Ok(Value::Filter(f)) => Some(f),
        _ => None,
    }
}

/// Evaluates the lens of transform `xfm` of module `stem` on this thread.
fn build_lens(
    load_path: &Arc<[PathBuf]>,
    options: Options,
    stem: &str,
    xfm: &str,
) -> Result<Lens, String> {
    let interp = interpreter(load_path, options);
    let module = interp.load_module(stem).map_err(|e| e.to_string())?;
    match transform_part(&interp, &module, xfm, Part::Lens) {
        Ok(Value::Lens(l)) => Ok(l),
        Ok(v) => Err(format!("the lens of {xfm} is a {}", v.type_name())),
        Err(e) => Err(e.to_string()),
    }
}

/// Which half of `transform LENS FILTER` to evaluate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Lens,
    Filter,
}

/// Evaluates one half of the transform bound to `xfm` in `module`. When the binding is
/// written `transform L F` (as every stock module does) only that argument is evaluated,
/// so gathering filters never builds a lens; otherwise the whole binding is evaluated.
fn transform_part(
    interp: &Interpreter,
    module: &Rc<super::eval::ModuleState>,
    xfm: &str,
    part: Part,
) -> Result<Value, LangError> {
    let missing = || LangError {
        file: module.file.to_string(),
        span: crate::error::Span::default(),
        message: format!("autoload: no binding {xfm}"),
        kind: super::ErrorKind::Type,
        report: Vec::new(),
    };
    let idx = module.visible(xfm, usize::MAX).ok_or_else(missing)?;
    let Some(Decl::Let(b)) = module.ast.decls.get(idx) else {
        return Err(missing());
    };
    if b.params.is_empty()
        && !b.recursive
        && let Some((lens, filter)) = transform_call(&b.body)
    {
        let env = Env::top(module.clone(), idx);
        return interp.eval(if part == Part::Lens { lens } else { filter }, &env);
    }
    match interp.force(module, idx)? {
        Value::Transform(l, f) => Ok(match part {
            Part::Lens => Value::Lens(l),
            Part::Filter => Value::Filter(f),
        }),
        v => Err(LangError {
            file: module.file.to_string(),
            span: b.span,
            message: format!("autoload {xfm} is a {}, not a transform", v.type_name()),
            kind: super::ErrorKind::Type,
            report: Vec::new(),
        }),
    }
}

/// The arguments of `transform L F` (or `Builtin.transform L F`).
fn transform_call(e: &Expr) -> Option<(&Expr, &Expr)> {
    let ExprKind::Apply(f, filter) = &e.kind else {
        return None;
    };
    let ExprKind::Apply(t, lens) = &f.kind else {
        return None;
    };
    match &t.kind {
        ExprKind::Ident(n) if n == "transform" => Some((lens, filter)),
        ExprKind::Qualified(m, n) if m == "Builtin" && n == "transform" => Some((lens, filter)),
        _ => None,
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Reads `module Name = [autoload xfm]` at the start of a module: `Some((Name,
/// Some(xfm)))` if it autoloads, `Some((Name, None))` if it does not, `None` if the header
/// is not of that shape.
/// This avoids parsing the modules that do not autoload.
fn header_autoload(src: &str) -> Option<(String, Option<String>)> {
    let mut s = Scanner { src, pos: 0 };
    if s.word()? != "module" {
        return None;
    }
    let name = s.word()?;
    s.blanks()?;
    if !s.rest().starts_with('=') {
        return None;
    }
    s.pos += 1;
    if s.word().as_deref() != Some("autoload") {
        return Some((name, None));
    }
    let x = s.word()?;
    Some((name, Some(x)))
}

struct Scanner<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    /// Skips blanks and (nested) comments; `None` on an unterminated comment.
    fn blanks(&mut self) -> Option<()> {
        loop {
            let r = self.rest();
            let t = r.trim_start();
            self.pos += r.len() - t.len();
            if !t.starts_with("(*") {
                return Some(());
            }
            let mut depth = 0usize;
            let bytes = t.as_bytes();
            let mut i = 0;
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (None, _) => return None,
                    (Some(b'('), Some(b'*')) => {
                        depth += 1;
                        i += 2;
                    }
                    (Some(b'*'), Some(b')')) => {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => i += 1,
                }
            }
            self.pos += i;
        }
    }

    /// The next identifier (letters, digits, `_`, and `.` for qualified names).
    fn word(&mut self) -> Option<String> {
        self.blanks()?;
        let r = self.rest();
        let n = r
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
            .count();
        if n == 0 {
            return None;
        }
        let w = r.get(..n)?.to_owned();
        self.pos += n;
        Some(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut (`quick_filter`) gives every stock module the filter that evaluating
    /// the whole module gives.
    #[test]
    fn quick_filters_are_those_of_the_whole_modules() {
        let dir = PathBuf::from("/usr/share/augeas/lenses/dist");
        if !dir.is_dir() {
            eprintln!("skipped: {} is not installed", dir.display());
            return;
        }
        let options = Options::default();
        let interp = Interpreter::new(vec![dir.clone()], options);
        let mini = Interpreter::new(vec![dir.clone()], options);
        let mut checked = 0;
        for name in crate::fs::files_with_suffix(&dir, ".aug") {
            let path = dir.join(name);
            let src = crate::fs::read_text(&path).unwrap();
            let Some((name, Some(xfm))) = header_autoload(&src) else {
                continue;
            };
            let quick = quick_filter(&mini, &path, &src, &name, &xfm);
            let module = interp.load_module(&name).unwrap();
            let full = match transform_part(&interp, &module, &xfm, Part::Filter) {
                Ok(Value::Filter(f)) => f,
                other => panic!("{name}: {other:?}"),
            };
            assert_eq!(quick.as_deref(), Some(&*full), "{name}");
            checked += 1;
        }
        assert!(checked > 200, "only {checked} modules autoload");
    }

    #[track_caller]
    fn check_header(src: &str, expected: Option<Option<&str>>) {
        let got = header_autoload(src).map(|(_, x)| x);
        assert_eq!(got, expected.map(|o| o.map(str::to_owned)));
    }

    #[test]
    fn headers() {
        check_header("module Hosts =\n  autoload xfm\n", Some(Some("xfm")));
        check_header(
            "(* a (* nested *) comment *)\nmodule A=autoload x\nlet",
            Some(Some("x")),
        );
        check_header("module Util =\n let x = 1", Some(None));
        check_header("module Util = (* c *) let", Some(None));
        check_header("modul A = autoload x", None);
        check_header("(* unterminated", None);
        check_header("module A autoload x", None);
    }
}
