//! The Augeas handle: a root directory, the modules (lenses and their transforms), the tree
//! with `/files` and the `/augeas` metadata, load and save.

mod api;
mod builder;
mod errors;
mod load;
mod ns;
mod save;
mod view;

pub use api::{Filter, Position, SpanInfo};
pub use builder::{Builder, STD_LOADPATH, default_cache_dir, modules_with, search_path};
pub use errors::{Error, ErrorKind, FileError, FileErrorKind};
pub use ns::NodeAttr;
pub use view::NodeRef;

use crate::lens::Lens;
use crate::tree::{NodeId, Tree};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The version this implementation reports under `/augeas/version` (the Augeas release
/// whose behaviour it follows).
pub const AUGEAS_VERSION: &str = "1.14.0";

/// Options of [`Augeas::open`], with the same meaning and values as Augeas's `aug_flags`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Flags(u32);

impl Flags {
    /// No flags.
    pub const NONE: Flags = Flags(0);
    /// Keep the original file as `<file>.augsave`.
    pub const SAVE_BACKUP: Flags = Flags(1);
    /// Write `<file>.augnew` and leave the original alone (wins over `SAVE_BACKUP`).
    pub const SAVE_NEWFILE: Flags = Flags(2);
    /// Typecheck lenses (slow).
    pub const TYPE_CHECK: Flags = Flags(4);
    /// Do not search the standard module directories.
    pub const NO_STDINC: Flags = Flags(8);
    /// Make save a dry run: report what would be saved, write nothing.
    pub const SAVE_NOOP: Flags = Flags(16);
    /// Do not load files when opening.
    pub const NO_LOAD: Flags = Flags(32);
    /// Do not set up the modules' autoload transforms.
    pub const NO_MODL_AUTOLOAD: Flags = Flags(64);
    /// Record spans (where each node came from) when loading.
    pub const ENABLE_SPAN: Flags = Flags(128);
    /// Accepted for compatibility; errors never close the handle here.
    pub const NO_ERR_CLOSE: Flags = Flags(256);

    /// The raw bits.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Flags from raw bits (unknown bits are kept and ignored).
    pub fn from_bits(bits: u32) -> Flags {
        Flags(bits)
    }

    /// Whether all of `other` is set.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// A module: a lens and the files it autoloads (its transform, `/augeas/load/NAME`).
///
/// The lens is either given ([`Module::new`]) or built on first use
/// ([`Module::deferred`]), so a handle can know hundreds of modules and build only the
/// lenses of the files it actually loads. Cloning is cheap and clones share the built
/// lens.
///
/// ```
/// use aug_core::{Module, lens};
/// let m = Module::deferred("Kv", vec!["/etc/kv".into()], vec![], || {
///     lens::rx("[a-z]+\n").map(lens::store).map_err(|e| e.to_string())
/// });
/// assert!(!m.is_built());
/// assert!(m.lens().is_ok());
/// assert!(m.is_built());
/// ```
#[derive(Clone)]
pub struct Module {
    /// The module name, e.g. `Hosts`.
    pub name: String,
    /// Globs of the files the lens loads, e.g. `/etc/hosts`.
    pub incl: Vec<String>,
    /// Globs of files to leave out; without a `/` they apply to the basename.
    pub excl: Vec<String>,
    /// Whether the module has a transform of its own (`/augeas/load/NAME`), or only a lens
    /// for `transform`, `store` and `retrieve` to name (see [`Module::lens_only`]).
    autoload: bool,
    lens: Arc<LazyLens>,
}

/// A lens built at most once, on first use.
struct LazyLens {
    cell: OnceLock<Result<Lens, String>>,
    build: Box<dyn Fn() -> Result<Lens, String> + Send + Sync>,
}

impl Module {
    /// A module whose lens (`Name.lns`) is already built.
    pub fn new(name: impl Into<String>, lens: Lens, incl: Vec<String>, excl: Vec<String>) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(Ok(lens));
        Module {
            name: name.into(),
            incl,
            excl,
            autoload: true,
            lens: Arc::new(LazyLens {
                cell,
                build: Box::new(|| Err("unreachable: the lens is built".to_owned())),
            }),
        }
    }

    /// A module whose lens `build` makes the first time it is needed (a file its
    /// transform matches is loaded or saved, or the lens is asked for by name). An `Err`
    /// says why the lens cannot be built; the handle reports it under
    /// `/augeas/load/NAME/error` and loads nothing with this module.
    pub fn deferred(
        name: impl Into<String>,
        incl: Vec<String>,
        excl: Vec<String>,
        build: impl Fn() -> Result<Lens, String> + Send + Sync + 'static,
    ) -> Self {
        Module {
            name: name.into(),
            incl,
            excl,
            autoload: true,
            lens: Arc::new(LazyLens {
                cell: OnceLock::new(),
                build: Box::new(build),
            }),
        }
    }

    /// A module that failed before its transform was even known (e.g. its `.aug` file
    /// does not parse): it matches no file and its error shows under
    /// `/augeas/load/NAME/error`.
    pub fn failed(name: impl Into<String>, error: impl Into<String>) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(Err(error.into()));
        Module {
            name: name.into(),
            incl: Vec::new(),
            excl: Vec::new(),
            autoload: true,
            lens: Arc::new(LazyLens {
                cell,
                build: Box::new(|| Err("unreachable: the lens has failed".to_owned())),
            }),
        }
    }

    /// A module that does not autoload: no `/augeas/load/NAME` of its own, but its lens
    /// (built by `build` on first use) can be named as `Name.lns` by a transform, as C
    /// Augeas finds every module of its load path.
    pub fn lens_only(
        name: impl Into<String>,
        build: impl Fn() -> Result<Lens, String> + Send + Sync + 'static,
    ) -> Self {
        Module {
            autoload: false,
            ..Module::deferred(name, Vec::new(), Vec::new(), build)
        }
    }

    /// Whether the module has a transform of its own (it is listed under
    /// `/augeas/load` when the handle opens).
    pub fn autoloads(&self) -> bool {
        self.autoload
    }

    /// The module's lens, built now if it was deferred; `Err` says why it cannot be built.
    pub fn lens(&self) -> Result<&Lens, &str> {
        self.lens
            .cell
            .get_or_init(|| (self.lens.build)())
            .as_ref()
            .map_err(String::as_str)
    }

    /// The same (shared) lens without the name and globs, which cost allocations to
    /// copy: what a transform keeps of the module it names.
    pub(crate) fn lens_handle(&self) -> Module {
        Module {
            name: String::new(),
            incl: Vec::new(),
            excl: Vec::new(),
            autoload: self.autoload,
            lens: self.lens.clone(),
        }
    }

    /// Whether the lens has been built (or has failed) already.
    pub fn is_built(&self) -> bool {
        self.lens.cell.get().is_some()
    }

    /// The error of a lens that has already failed, without building anything.
    pub fn known_error(&self) -> Option<&str> {
        match self.lens.cell.get() {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lens = match self.lens.cell.get() {
            None => "<deferred>".to_owned(),
            Some(Ok(_)) => "<built>".to_owned(),
            Some(Err(e)) => format!("<failed: {e}>"),
        };
        f.debug_struct("Module")
            .field("name", &self.name)
            .field("lens", &lens)
            .field("incl", &self.incl)
            .field("excl", &self.excl)
            .finish()
    }
}

/// An Augeas handle: the tree of loaded files plus metadata, and the means to load and save.
#[derive(Debug)]
pub struct Augeas {
    pub(crate) tree: Tree,
    pub(crate) root: PathBuf,
    pub(crate) flags: Flags,
    pub(crate) modules: Vec<Module>,
    /// Each module name, lower-cased, to the first module of that name in `modules`.
    pub(crate) module_index: rustc_hash::FxHashMap<String, usize>,
    pub(crate) vars: crate::path::Vars,
    /// Modules whose lens failed the typechecker, with the reason.
    pub(crate) broken: Vec<(String, String)>,
    /// Per file (`/etc/hosts`), the top-level layout of its text as last read or written,
    /// so that save need not parse it again (see [`crate::lens::layout`]).
    pub(crate) layouts: rustc_hash::FxHashMap<String, crate::lens::layout::Layout>,
    /// The nodes that `store` read a text into (with spans), and the path it was stored
    /// at, which `span` reports as the file name.
    pub(crate) text_spans: rustc_hash::FxHashMap<NodeId, String>,
    /// The module search path, as `info` reports it.
    pub(crate) loadpath: Vec<String>,
    /// How get splits texts, when the builder chose (else [`crate::lens::Engine::Auto`] or
    /// `$AUG_RS_GET_ENGINE`).
    pub(crate) engine: Option<crate::lens::Engine>,
    /// How many threads a load reads files on, when the builder chose (see
    /// [`Builder::load_threads`]).
    pub(crate) load_threads: Option<usize>,
}

/// Sets (creating if needed) the child `label` of `parent` to `value`; returns the child.
pub(crate) fn meta_set(tree: &mut Tree, parent: NodeId, label: &str, value: &str) -> NodeId {
    match tree.child(parent, label) {
        Some(c) => {
            tree.set_value(c, Some(value));
            c
        }
        None => tree
            .append_child(parent, Some(label), Some(value))
            .unwrap_or(parent),
    }
}

impl Augeas {
    /// Opens a handle on `root` (else `$AUGEAS_ROOT`, else `/`) with the given modules, and
    /// loads the files unless `flags` has [`Flags::NO_LOAD`].
    pub fn open(root: Option<&Path>, flags: Flags, modules: Vec<Module>) -> Augeas {
        Augeas::open_with(root, flags, modules, None)
    }

    /// [`Augeas::open`], loading on `load_threads` threads (see [`Builder::load_threads`]).
    fn open_with(
        root: Option<&Path>,
        flags: Flags,
        modules: Vec<Module>,
        load_threads: Option<usize>,
    ) -> Augeas {
        let root = match root {
            Some(r) => r.to_path_buf(),
            None => std::env::var_os("AUGEAS_ROOT")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/")),
        };
        let mut tree = Tree::new();
        let top = tree.root();
        tree.append_child(top, Some("augeas"), None);
        tree.append_child(top, Some("files"), None);
        let mut module_index = rustc_hash::FxHashMap::default();
        for (i, m) in modules.iter().enumerate() {
            module_index.entry(m.name.to_ascii_lowercase()).or_insert(i);
        }
        let mut aug = Augeas {
            tree,
            root,
            flags,
            modules,
            module_index,
            vars: crate::path::Vars::new(),
            broken: Vec::new(),
            layouts: Default::default(),
            text_spans: Default::default(),
            loadpath: Vec::new(),
            engine: None,
            load_threads,
        };
        aug.init_meta();
        if flags.contains(Flags::TYPE_CHECK) {
            aug.typecheck_modules();
        }
        if !flags.contains(Flags::NO_LOAD) {
            aug.load_all();
        }
        let top = aug.tree.root();
        aug.tree.clear_dirty(top);
        aug
    }

    fn init_meta(&mut self) {
        let m = self.meta_mut();
        let t = &mut self.tree;
        let mut root = self.root.to_string_lossy().into_owned();
        if !root.ends_with('/') {
            root.push('/');
        }
        meta_set(t, m, "root", &root);
        meta_set(t, m, "context", "/files");
        meta_set(t, m, "variables", "");
        if let Some(v) = t.child(m, "variables") {
            t.set_value(v, None);
        }
        let version = meta_set(t, m, "version", AUGEAS_VERSION);
        let save = t
            .append_child(version, Some("save"), None)
            .unwrap_or(version);
        for mode in ["backup", "newfile", "noop", "overwrite"] {
            t.append_child(save, Some("mode"), Some(mode));
        }
        let defvar = t
            .append_child(version, Some("defvar"), None)
            .unwrap_or(version);
        t.append_child(defvar, Some("expr"), None);
        let pathx = t
            .append_child(version, Some("pathx"), None)
            .unwrap_or(version);
        let funcs = t
            .append_child(pathx, Some("functions"), None)
            .unwrap_or(pathx);
        for f in [
            "count", "glob", "label", "last", "modified", "position", "regexp",
        ] {
            t.append_child(funcs, Some(f), None);
        }
        let mode = if self.flags.contains(Flags::SAVE_NEWFILE) {
            "newfile"
        } else if self.flags.contains(Flags::SAVE_BACKUP) {
            "backup"
        } else if self.flags.contains(Flags::SAVE_NOOP) {
            "noop"
        } else {
            "overwrite"
        };
        meta_set(t, m, "save", mode);
        let span = if self.flags.contains(Flags::ENABLE_SPAN) {
            "enable"
        } else {
            "disable"
        };
        meta_set(t, m, "span", span);
        // As in Augeas, `/augeas/load` exists from the start only when modules autoload;
        // otherwise the first load (or transform) creates it.
        if !self.flags.contains(Flags::NO_MODL_AUTOLOAD) {
            let load = t.append_child(m, Some("load"), None).unwrap_or(m);
            for module in self.modules.iter().filter(|m| m.autoload) {
                let x = t
                    .append_child(load, Some(&module.name), None)
                    .unwrap_or(load);
                t.append_child(x, Some("lens"), Some(&format!("@{}", module.name)));
                for i in &module.incl {
                    t.append_child(x, Some("incl"), Some(i));
                }
                for e in &module.excl {
                    t.append_child(x, Some("excl"), Some(e));
                }
            }
        }
    }

    /// With [`Flags::TYPE_CHECK`]: runs the full typechecker on every module's lens. A module
    /// that fails keeps its transform but loads nothing, and `/augeas/load/NAME/error` says
    /// why (as Augeas refuses to load a module that does not typecheck).
    fn typecheck_modules(&mut self) {
        for m in &self.modules {
            match m.lens() {
                Ok(l) => {
                    if let Err(e) = l.typecheck_full() {
                        self.broken.push((
                            m.name.clone(),
                            crate::error::clip(&format!("Typecheck failed: {e}")),
                        ));
                    }
                }
                Err(e) => self.broken.push((m.name.clone(), e.to_owned())),
            }
        }
    }

    /// The tree: `/files` and `/augeas`.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The tree, for direct edits.
    pub fn tree_mut(&mut self) -> &mut Tree {
        &mut self.tree
    }

    /// The root, as the file system layer reaches it.
    pub(crate) fn disk(&self) -> crate::fs::Root {
        crate::fs::Root::new(&self.root)
    }

    /// The directories modules were searched in (what `info` shows as `loadpath`).
    pub fn loadpath(&self) -> &[String] {
        &self.loadpath
    }

    /// Records the directories modules were searched in, for [`Augeas::loadpath`].
    pub fn set_loadpath(&mut self, dirs: Vec<String>) {
        self.loadpath = dirs;
    }

    /// The root directory files are read from and written to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The node `/files`, unless a user removed it (the next load or save makes it anew,
    /// as Augeas does).
    pub fn files_node(&self) -> Option<NodeId> {
        self.tree.child(self.tree.root(), "files")
    }

    /// `/files`, made anew if it was removed.
    pub(crate) fn files_mut(&mut self) -> NodeId {
        self.top_mut("files")
    }

    /// `/augeas`, unless a user removed it.
    pub(crate) fn meta(&self) -> Option<NodeId> {
        self.tree.child(self.tree.root(), "augeas")
    }

    /// `/augeas`, made anew if it was removed.
    pub(crate) fn meta_mut(&mut self) -> NodeId {
        self.top_mut("augeas")
    }

    fn top_mut(&mut self, label: &str) -> NodeId {
        let root = self.tree.root();
        match self.tree.child(root, label) {
            Some(n) => n,
            None => self
                .tree
                .append_child(root, Some(label), None)
                .unwrap_or(root),
        }
    }

    /// The modules this handle knows.
    pub fn modules(&self) -> &[Module] {
        &self.modules
    }

    /// Loads (or reloads) the files the transforms under `/augeas/load` match.
    pub fn load(&mut self) -> Result<(), Error> {
        self.load_all();
        Ok(())
    }

    pub(crate) fn spans_enabled(&self) -> bool {
        self.find_meta(&["span"]).and_then(|s| self.tree.value(s)) == Some("enable")
    }

    /// The node at the plain label path `labels` under `/augeas`, created if missing.
    pub(crate) fn meta_node(&mut self, labels: &[&str]) -> NodeId {
        let mut n = self.meta_mut();
        for l in labels {
            n = match self.tree.child(n, l) {
                Some(c) => c,
                None => self.tree.append_child(n, Some(l), None).unwrap_or(n),
            };
        }
        n
    }

    pub(crate) fn find_meta(&self, labels: &[&str]) -> Option<NodeId> {
        let mut n = self.meta()?;
        for l in labels {
            n = self.tree.child(n, l)?;
        }
        Some(n)
    }

    /// `/augeas/files/<file>`, created if missing.
    pub(crate) fn file_meta(&mut self, file: &str) -> NodeId {
        let mut labels = vec!["files"];
        labels.extend(file.split('/').filter(|c| !c.is_empty()));
        self.meta_node(&labels)
    }

    /// `/files/<file>`; created (with its ancestors, not dirty: this is how load makes
    /// them) when `create` is set.
    pub(crate) fn file_node(&mut self, file: &str, create: bool) -> Option<NodeId> {
        let mut n = if create {
            self.files_mut()
        } else {
            self.files_node()?
        };
        for l in file.split('/').filter(|c| !c.is_empty()) {
            n = match self.tree.child(n, l) {
                Some(c) => c,
                None if create => {
                    self.tree
                        .graft(n, usize::MAX, crate::tree::Subtree::new(Some(l), None))?
                }
                None => return None,
            };
        }
        Some(n)
    }
}
