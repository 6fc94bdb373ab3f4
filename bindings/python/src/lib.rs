//! The pyo3 module `augeas_rs._augeas_rs`: a thin layer over aug-core.

use pyo3::prelude::*;

/// Escapes a label for use as one step of a path, like `aug_escape_name`.
#[pyfunction]
fn escape_name(name: &str) -> String {
    aug_core::print::escape_name(name)
}

/// The Rust core of the `augeas_rs` package.
#[pymodule]
fn _augeas_rs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(escape_name, m)?)?;
    Ok(())
}
