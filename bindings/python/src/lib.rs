//! The pyo3 module `augeas_rs._augeas_rs`: a thin layer over aug-core. `PyAugeas` wraps
//! one `aug_core::Augeas` handle behind a mutex; every method converts its arguments,
//! calls the handle and converts the result. Errors surface as `_augeas_rs.Error` with
//! the arguments `(code, message, minor, details)`, which the pure-Python package turns
//! into python-augeas's exception classes.

use aug_core::{Augeas, Flags};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, TryLockError};

pyo3::create_exception!(
    _augeas_rs,
    Error,
    pyo3::exceptions::PyException,
    "An error of the Augeas handle; args are (code, message, minor, details)."
);

/// An aug-core error on its way to Python (a local type, because of the orphan rule).
struct AugError(aug_core::Error);

impl From<aug_core::Error> for AugError {
    fn from(e: aug_core::Error) -> AugError {
        AugError(e)
    }
}

impl From<AugError> for PyErr {
    fn from(AugError(e): AugError) -> PyErr {
        Error::new_err((e.code as i32, e.message(), e.minor, e.details))
    }
}

/// A value or label as python-augeas returns it: the text, or the `UnicodeDecodeError`
/// that decoding the file's bytes as UTF-8 raises when they are not UTF-8 (see
/// `aug_core::text`).
fn py_text(py: Python<'_>, s: Option<String>) -> PyResult<Option<String>> {
    match s {
        Some(s) if aug_core::text::has_raw_bytes(&s) => {
            let bytes = pyo3::types::PyBytes::new(py, &aug_core::text::encode(&s));
            Ok(Some(bytes.call_method1("decode", ("utf8",))?.extract()?))
        }
        other => Ok(other),
    }
}

fn closed_error() -> PyErr {
    PyRuntimeError::new_err("The Augeas object has already been closed!")
}

fn poisoned() -> PyErr {
    PyRuntimeError::new_err("The Augeas handle is unusable: a call panicked while holding it")
}

/// Why a call on the handle did not produce a result.
enum Fail {
    Closed,
    Poisoned,
    Aug(aug_core::Error),
}

impl From<Fail> for PyErr {
    fn from(f: Fail) -> PyErr {
        match f {
            Fail::Closed => closed_error(),
            Fail::Poisoned => poisoned(),
            Fail::Aug(e) => AugError(e).into(),
        }
    }
}

/// A negative position in a node-set variable is reported like an out-of-range one.
fn ns_index(var: &str, i: i64) -> Result<usize, aug_core::Error> {
    usize::try_from(i).map_err(|_| {
        aug_core::Error::new(
            aug_core::ErrorCode::NoMatch,
            None,
            Some(format!("Node {var}[{i}] does not exist")),
        )
    })
}

/// One node of a subtree in document order: depth below the start node, label, value.
type FlatNode = (usize, Option<String>, Option<String>);

/// An Augeas handle. Use `augeas_rs.Augeas`, which wraps this class with python-augeas's
/// API; this class is the raw, thread-safe handle.
#[pyclass(frozen, module = "augeas_rs._augeas_rs")]
struct PyAugeas {
    /// `None` once closed.
    inner: Mutex<Option<Augeas>>,
    /// Set by `close`; read without taking the lock, so asking does not wait for a
    /// thread inside `load` or `save`.
    closed: AtomicBool,
}

impl PyAugeas {
    /// Runs `f` on the handle. Waits for a busy handle with the GIL released, so a thread
    /// inside `load` or `save` does not stall the others.
    fn with<R>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Augeas) -> Result<R, aug_core::Error>,
    ) -> PyResult<R> {
        loop {
            match self.inner.try_lock() {
                Ok(mut guard) => {
                    let aug = guard.as_mut().ok_or_else(closed_error)?;
                    return f(aug).map_err(|e| AugError(e).into());
                }
                Err(TryLockError::WouldBlock) => py.detach(|| {
                    drop(self.inner.lock());
                }),
                Err(TryLockError::Poisoned(_)) => return Err(poisoned()),
            }
        }
    }

    /// Runs `f` on the handle with the GIL released (for load and save).
    fn detached<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Augeas) -> Result<R, aug_core::Error> + Send,
    ) -> PyResult<R> {
        let r = py.detach(|| {
            let mut guard = self.inner.lock().map_err(|_| Fail::Poisoned)?;
            let aug = guard.as_mut().ok_or(Fail::Closed)?;
            f(aug).map_err(Fail::Aug)
        });
        Ok(r?)
    }
}

#[pymethods]
impl PyAugeas {
    /// Opens a handle on `root` (else `$AUGEAS_ROOT`, else `/`) with the built-in lenses
    /// and the modules of the load path (`loadpath`, colon-separated, then
    /// `$AUGEAS_LENS_LIB`, then the standard directories unless NO_STDINC), loading the
    /// files unless `flags` has NO_LOAD. The GIL is released while loading.
    #[new]
    #[pyo3(signature = (root=None, flags=0, loadpath=None))]
    fn new(
        py: Python<'_>,
        root: Option<PathBuf>,
        flags: u32,
        loadpath: Option<String>,
    ) -> PyAugeas {
        let dirs: Vec<PathBuf> = loadpath
            .as_deref()
            .map(|p| std::env::split_paths(p).collect())
            .unwrap_or_default();
        let aug =
            py.detach(|| aug_lenses::open_with(root.as_deref(), Flags::from_bits(flags), &dirs));
        PyAugeas {
            inner: Mutex::new(Some(aug)),
            closed: AtomicBool::new(false),
        }
    }

    /// The value of the single node `path` matches (None if none, or no value).
    fn get(&self, py: Python<'_>, path: &str) -> PyResult<Option<String>> {
        py_text(py, self.with(py, |a| a.get(path))?)
    }

    /// The label of the single node `path` matches.
    fn label(&self, py: Python<'_>, path: &str) -> PyResult<Option<String>> {
        py_text(py, self.with(py, |a| a.label(path))?)
    }

    /// Sets the value of `path`, creating it if needed.
    #[pyo3(signature = (path, value=None))]
    fn set(&self, py: Python<'_>, path: &str, value: Option<&str>) -> PyResult<()> {
        self.with(py, |a| a.set(path, value))
    }

    /// Sets `sub` below every node `base` matches; returns how many nodes changed.
    #[pyo3(signature = (base, sub=None, value=None))]
    fn setm(
        &self,
        py: Python<'_>,
        base: &str,
        sub: Option<&str>,
        value: Option<&str>,
    ) -> PyResult<usize> {
        self.with(py, |a| a.setm(base, sub, value))
    }

    /// Sets the value of `path` to None, creating it if needed.
    fn clear(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        self.with(py, |a| a.clear(path))
    }

    /// `setm` with no value.
    fn clearm(&self, py: Python<'_>, base: &str, sub: &str) -> PyResult<usize> {
        self.with(py, |a| a.clearm(base, sub))
    }

    /// Creates `path` if nothing matches it.
    fn touch(&self, py: Python<'_>, path: &str) -> PyResult<()> {
        self.with(py, |a| a.touch(path))
    }

    /// Inserts a sibling `label` before (or after) the single node `path` matches.
    fn insert(&self, py: Python<'_>, path: &str, label: &str, before: bool) -> PyResult<()> {
        let position = if before {
            aug_core::Position::Before
        } else {
            aug_core::Position::After
        };
        self.with(py, |a| a.insert(path, label, position))
    }

    /// Removes every node `path` matches; returns the count, descendants included.
    fn rm(&self, py: Python<'_>, path: &str) -> PyResult<usize> {
        self.with(py, |a| a.rm(path))
    }

    /// Moves the node `src` to `dst`.
    fn mv(&self, py: Python<'_>, src: &str, dst: &str) -> PyResult<()> {
        self.with(py, |a| a.mv(src, dst))
    }

    /// Copies the node `src` to `dst`.
    fn cp(&self, py: Python<'_>, src: &str, dst: &str) -> PyResult<()> {
        self.with(py, |a| a.cp(src, dst))
    }

    /// Relabels every node `src` matches; returns how many.
    fn rename(&self, py: Python<'_>, src: &str, label: &str) -> PyResult<usize> {
        self.with(py, |a| a.rename(src, label))
    }

    /// The paths of the nodes `path` matches.
    fn matches(&self, py: Python<'_>, path: &str) -> PyResult<Vec<String>> {
        self.with(py, |a| a.matches(path))
    }

    /// The path and value of every node `path` matches.
    fn match_values(&self, py: Python<'_>, path: &str) -> PyResult<Vec<(String, Option<String>)>> {
        self.with(py, |a| {
            let nodes = a.match_nodes(path)?;
            let t = a.tree();
            // One pass per sibling list, not per node (linear in the number of matches).
            let paths = aug_core::print::node_paths(t, &nodes);
            Ok(nodes
                .into_iter()
                .zip(paths)
                .filter_map(|(n, p)| Some((p?, t.value(n).map(str::to_owned))))
                .collect())
        })
    }

    /// The subtree of the single node `path` matches, flattened in document order as
    /// `(depth, label, value)` (the node itself at depth 0); hidden nodes are left out.
    /// None when nothing matches.
    fn subtree(&self, py: Python<'_>, path: &str) -> PyResult<Option<Vec<FlatNode>>> {
        self.with(py, |a| {
            let nodes = a.match_nodes(path)?;
            let node = match nodes.as_slice() {
                [] => return Ok(None),
                [n] => *n,
                _ => {
                    return Err(aug_core::Error::new(
                        aug_core::ErrorCode::MMatch,
                        None,
                        Some(format!("There are {} nodes matching {path}", nodes.len())),
                    ));
                }
            };
            let t = a.tree();
            let mut out = Vec::new();
            let mut stack = vec![(node, 0usize)];
            while let Some((n, depth)) = stack.pop() {
                let label = t.label(n);
                if label.is_none() && n != node {
                    continue;
                }
                out.push((
                    depth,
                    label.map(str::to_owned),
                    t.value(n).map(str::to_owned),
                ));
                stack.extend(t.children(n).iter().rev().map(|&c| (c, depth + 1)));
            }
            Ok(Some(out))
        })
    }

    /// How many nodes `path` matches.
    fn count(&self, py: Python<'_>, path: &str) -> PyResult<usize> {
        self.with(py, |a| a.count(path))
    }

    /// Defines (or, with `expr=None`, removes) the variable `name`; returns its node count.
    #[pyo3(signature = (name, expr=None))]
    fn defvar(&self, py: Python<'_>, name: &str, expr: Option<&str>) -> PyResult<usize> {
        self.with(py, |a| a.defvar(name, expr))
    }

    /// Defines `name` as the nodes `expr` matches, creating one with `value` if none does;
    /// returns `(count, created)`.
    #[pyo3(signature = (name, expr, value=None))]
    fn defnode(
        &self,
        py: Python<'_>,
        name: &str,
        expr: &str,
        value: Option<&str>,
    ) -> PyResult<(usize, bool)> {
        self.with(py, |a| a.defnode(name, expr, value))
    }

    /// The nodes `path` matches (the whole tree for None) in `augtool print` format.
    #[pyo3(signature = (path=None))]
    fn print(&self, py: Python<'_>, path: Option<&str>) -> PyResult<String> {
        self.with(py, |a| a.print(path))
    }

    /// The file node of the single node `path` matches.
    fn source(&self, py: Python<'_>, path: &str) -> PyResult<Option<String>> {
        self.with(py, |a| a.source(path))
    }

    /// The text a save would write for the file of `path`.
    fn preview(&self, py: Python<'_>, path: &str) -> PyResult<Option<String>> {
        self.with(py, |a| a.preview(path))
    }

    /// `(filename, label_start, label_end, value_start, value_end, span_start, span_end)`.
    #[allow(clippy::type_complexity)]
    fn span(
        &self,
        py: Python<'_>,
        path: &str,
    ) -> PyResult<(String, usize, usize, usize, usize, usize, usize)> {
        self.with(py, |a| {
            let s = a.span(path)?;
            Ok((
                s.filename,
                s.label.start,
                s.label.end,
                s.value.start,
                s.value.end,
                s.span.start,
                s.span.end,
            ))
        })
    }

    /// Adds a transform: `lens` applies to (or, with `excl`, excludes) `file`.
    fn transform(&self, py: Python<'_>, lens: &str, file: &str, excl: bool) -> PyResult<()> {
        let filter = if excl {
            aug_core::Filter::Excl
        } else {
            aug_core::Filter::Incl
        };
        self.with(py, |a| a.transform(lens, file, filter))
    }

    /// Loads (or reloads) the files; the GIL is released meanwhile.
    fn load(&self, py: Python<'_>) -> PyResult<()> {
        self.detached(py, |a| a.load())
    }

    /// Loads one file with the lens whose transform matches it.
    fn load_file(&self, py: Python<'_>, file: &str) -> PyResult<()> {
        self.detached(py, |a| a.load_file(file))
    }

    /// Writes the changed files back; the GIL is released meanwhile.
    fn save(&self, py: Python<'_>) -> PyResult<()> {
        self.detached(py, |a| a.save())
    }

    /// Runs augtool commands with the shared engine (`aug_srun`), with the GIL released:
    /// returns their output, the error that stopped them as `(code, message, minor,
    /// details)` (None if none did), and whether `quit` ended them.
    #[allow(clippy::type_complexity)]
    fn srun(
        &self,
        py: Python<'_>,
        script: &str,
    ) -> PyResult<(
        String,
        Option<(i32, &'static str, Option<String>, Option<String>)>,
        bool,
    )> {
        self.detached(py, |a| {
            let mut out = Vec::new();
            let r = a.srun(script, &mut out);
            let text = String::from_utf8_lossy(&out).into_owned();
            Ok(match r {
                Ok(done) => (text, None, done.quit),
                Err(e) => (
                    text,
                    Some((e.code as i32, e.message(), e.minor, e.details)),
                    false,
                ),
            })
        })
    }

    /// Parses the value of `node` with `lens` into the tree at `path`.
    fn text_store(&self, py: Python<'_>, lens: &str, node: &str, path: &str) -> PyResult<()> {
        self.with(py, |a| a.text_store(lens, node, path))
    }

    /// Writes the tree at `path` with `lens` (original text from `node_in`) into `node_out`.
    fn text_retrieve(
        &self,
        py: Python<'_>,
        lens: &str,
        node_in: &str,
        path: &str,
        node_out: &str,
    ) -> PyResult<()> {
        self.with(py, |a| a.text_retrieve(lens, node_in, path, node_out))
    }

    /// How many nodes the node-set variable `var` holds.
    fn ns_count(&self, py: Python<'_>, var: &str) -> PyResult<usize> {
        self.with(py, |a| a.ns_count(var))
    }

    /// `(value, label, file)` of the `i`-th (0-based) node of `var`.
    fn ns_attr(
        &self,
        py: Python<'_>,
        var: &str,
        i: i64,
    ) -> PyResult<(Option<String>, Option<String>, Option<String>)> {
        self.with(py, |a| {
            let attr = a.ns_attr(var, ns_index(var, i)?)?;
            Ok((attr.value, attr.label, attr.file))
        })
    }

    /// `(label, index among same-label siblings or 0)` of the `i`-th node of `var`.
    fn ns_label(&self, py: Python<'_>, var: &str, i: i64) -> PyResult<(Option<String>, usize)> {
        self.with(py, |a| a.ns_label(var, ns_index(var, i)?))
    }

    /// The value of the `i`-th node of `var`.
    fn ns_value(&self, py: Python<'_>, var: &str, i: i64) -> PyResult<Option<String>> {
        self.with(py, |a| a.ns_value(var, ns_index(var, i)?))
    }

    /// The path of the `i`-th node of `var`.
    fn ns_path(&self, py: Python<'_>, var: &str, i: i64) -> PyResult<Option<String>> {
        self.with(py, |a| a.ns_path(var, ns_index(var, i)?))
    }

    /// Whether the handle has been closed.
    #[getter]
    fn closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Drops the tree; later calls raise RuntimeError. Closing twice is harmless.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let handle = py.detach(|| match self.inner.lock() {
            Ok(mut guard) => Ok(guard.take()),
            Err(_) => Err(Fail::Poisoned),
        })?;
        self.closed.store(true, Ordering::Release);
        drop(handle);
        Ok(())
    }
}

/// Escapes a label for use as one step of a path, like `aug_escape_name`.
#[pyfunction]
fn escape_name(name: &str) -> String {
    aug_core::print::escape_name(name)
}

/// The built-in lens modules (e.g. `Hosts`), in the order the handle knows them.
#[pyfunction]
fn builtin_modules() -> Vec<String> {
    aug_lenses::builtin_modules()
        .into_iter()
        .map(|m| m.name)
        .collect()
}

/// The Rust core of the `augeas_rs` package.
#[pymodule]
fn _augeas_rs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("AUGEAS_VERSION", aug_core::AUGEAS_VERSION)?;
    m.add("Error", m.py().get_type::<Error>())?;
    m.add_class::<PyAugeas>()?;
    m.add_function(wrap_pyfunction!(escape_name, m)?)?;
    m.add_function(wrap_pyfunction!(builtin_modules, m)?)?;
    Ok(())
}
