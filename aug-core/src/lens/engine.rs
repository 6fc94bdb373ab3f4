//! Which way get splits text (the [`Engine`]): the process default, the per-thread choice
//! and the size below which [`Engine::Auto`] splits by structure. Get and the parser of
//! `rec` both read it here.

/// How get splits the text among the parts of regular lenses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// With automata of the parts' languages: building them costs more than reading a
    /// small file, reading with them is fast (big files).
    Automata,
    /// By the lenses' structure, with automata for leaves only (`del`, `store`, `key`):
    /// nothing to build, slower per byte (small files). Errors say less than those of
    /// automata (which [`Engine::Auto`] reports).
    Structural,
    /// By structure for texts of at most [`STRUCTURAL_LIMIT`] bytes, else automata; a
    /// text that structure cannot split is read again with automata, for Augeas's error.
    Auto,
}

/// The biggest text [`Engine::Auto`] reads by structure. Measured on hosts and logrotate
/// files: below about 8 KB, building the automata costs more than the slower reading.
pub const STRUCTURAL_LIMIT: usize = 8 * 1024;

thread_local! {
    static ENGINE: std::cell::Cell<Option<Engine>> = const { std::cell::Cell::new(None) };
    static FORWARD: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Whether get reads recursive lenses forward first (see `lens::forward`): set for this
/// thread by [`with_forward`], else `$AUG_RS_FORWARD` (`off` turns it off), else on.
pub(crate) fn forward() -> bool {
    static FROM_ENV: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    FORWARD.with(std::cell::Cell::get).unwrap_or_else(|| {
        *FROM_ENV.get_or_init(|| std::env::var("AUG_RS_FORWARD").as_deref() != Ok("off"))
    })
}

/// Runs `f` with get on this thread reading recursive lenses forward first (`true`, the
/// default) or only with the memoising parser (`false`). Both read the same trees and
/// fail with the same errors; this exists to compare and measure them.
pub fn with_forward<R>(on: bool, f: impl FnOnce() -> R) -> R {
    scoped(&FORWARD, on, f)
}

/// Runs `f` with this thread's `setting` at `value`, then as it was.
fn scoped<T: Copy + 'static, R>(
    setting: &'static std::thread::LocalKey<std::cell::Cell<Option<T>>>,
    value: T,
    f: impl FnOnce() -> R,
) -> R {
    let old = setting.with(|e| e.replace(Some(value)));
    let r = f();
    setting.with(|e| e.set(old));
    r
}

/// The engine in use: set for this thread by [`with_engine`], else `$AUG_RS_GET_ENGINE`
/// (`automata`, `structural`, anything else is `auto`), else [`Engine::Auto`]. Both
/// engines give the same trees; this exists to compare and measure them.
pub(crate) fn engine() -> Engine {
    static FROM_ENV: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.with(std::cell::Cell::get).unwrap_or_else(|| {
        *FROM_ENV.get_or_init(|| match std::env::var("AUG_RS_GET_ENGINE").as_deref() {
            Ok("automata") => Engine::Automata,
            Ok("structural") => Engine::Structural,
            _ => Engine::Auto,
        })
    })
}

/// Runs `f` with get on this thread using `engine`, whatever the process default is
/// (`$AUG_RS_GET_ENGINE`, else [`Engine::Auto`]); for lens writers who call
/// [`Lens::get`](super::Lens::get) themselves. A handle chooses with
/// [`Builder::engine`](crate::Builder::engine).
pub fn with_engine<R>(engine: Engine, f: impl FnOnce() -> R) -> R {
    scoped(&ENGINE, engine, f)
}

/// Whether a text of `len` bytes is split by structure.
pub(crate) fn structural_for(len: usize) -> bool {
    match engine() {
        Engine::Automata => false,
        Engine::Structural => true,
        Engine::Auto => len <= STRUCTURAL_LIMIT,
    }
}
