//! The query and edit API of the handle (`get`, `set`, `match`, `rm`, `mv`, ...): path
//! expressions evaluated against `/augeas/context`, errors carrying Augeas's codes, and the
//! file-related calls (`source`, `preview`, `span`, `transform`, `load_file`, `text_store`,
//! `text_retrieve`).

use super::load::with_final_newline;
use super::{Augeas, Error, ErrorKind, meta_set};
use crate::error::ErrorCode;
use crate::ops::{self, OpError};
use crate::path::Vars;
use crate::print::{escape_name, node_path, node_paths, print_subtree};
use crate::tree::NodeId;
use std::ops::Range;

/// A `store`/`retrieve` that failed the way Augeas's do: the call fails, the reason is
/// under `/augeas/text`, and no error code is set.
fn text_failed(minor: &str, details: &str) -> Error {
    Error::new(
        ErrorCode::NoError,
        Some(minor.to_owned()),
        Some(details.to_owned()),
    )
}

impl From<OpError> for Error {
    fn from(e: OpError) -> Error {
        let minor = e.path.is_some().then(|| e.message.clone());
        let kind = match e.path {
            Some(p) => ErrorKind::Path(p),
            None if e.cannot_create => ErrorKind::CannotCreate,
            None => ErrorKind::Other,
        };
        Error::new(e.code, minor, e.details).with_kind(kind)
    }
}

/// Where [`Augeas::insert`] puts the new node, relative to the node its path matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// Right before it.
    Before,
    /// Right after it.
    After,
}

/// Whether a transform ([`Augeas::transform`]) reads a file or skips it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Filter {
    /// The file is read with the lens (`incl`).
    Incl,
    /// The file is skipped (`excl`).
    Excl,
}

/// Where a node came from in its file (see [`Augeas::span`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanInfo {
    /// The file, with the root prepended (as Augeas reports it).
    pub filename: String,
    /// Byte range of the label.
    pub label: Range<usize>,
    /// Byte range of the value.
    pub value: Range<usize>,
    /// Byte range of the whole node.
    pub span: Range<usize>,
}

impl Augeas {
    /// The node relative paths start from: the node `/augeas/context` names (default
    /// `/files`), or the root when it names none.
    pub fn context(&self) -> NodeId {
        let root = self.tree.root();
        let ctx = self
            .find_meta(&["context"])
            .and_then(|c| self.tree.value(c))
            .unwrap_or("/");
        if ctx.is_empty() || ctx == "/" {
            return root;
        }
        match ops::matches(&self.tree, &self.vars, root, ctx) {
            Ok(ns) if ns.len() == 1 => ns.first().copied().unwrap_or(root),
            _ => root,
        }
    }

    /// The context node for an operation that may change the tree: like
    /// [`Augeas::context`], but a context path that matches nothing is created first, as
    /// Augeas does, so that relative paths land under it.
    pub fn context_mut(&mut self) -> NodeId {
        let root = self.tree.root();
        let ctx = self
            .find_meta(&["context"])
            .and_then(|c| self.tree.value(c))
            .unwrap_or("/")
            .to_owned();
        if ctx.is_empty() || ctx == "/" {
            return root;
        }
        match ops::matches(&self.tree, &self.vars, root, &ctx) {
            Ok(ns) if ns.is_empty() => {
                ops::expand(&mut self.tree, &self.vars, root, &ctx).map_or(root, |(n, _)| n)
            }
            _ => self.context(),
        }
    }

    /// The variables defined with [`Augeas::defvar`] and [`Augeas::defnode`].
    pub fn vars(&self) -> &Vars {
        &self.vars
    }

    /// Runs one editing call as a transaction of the tree: when it fails, the tree is left
    /// exactly as it was (nodes created for the context or the path, moves, removals and
    /// dirty flags are all undone).
    fn atomic<T>(&mut self, f: impl FnOnce(&mut Augeas) -> Result<T, Error>) -> Result<T, Error> {
        let sp = self.tree.begin();
        let r = f(self);
        match &r {
            Ok(_) => self.tree.commit(sp),
            Err(_) => self.tree.rollback(sp),
        }
        r
    }

    /// The value of the single node `path` matches; `None` if it matches nothing or the node
    /// has no value. Several matches are an error (`MMatch`).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost lh\n::1 localhost\n").unwrap();
    /// # let mut aug = aug_core::Augeas::builder().root(dir.path()).flags(aug_core::Flags::NO_STDINC)
    /// #     .modules(aug_lenses::builtin_modules()).open();
    /// assert_eq!(aug.get("/files/etc/hosts/1/ipaddr")?.as_deref(), Some("127.0.0.1"));
    /// assert_eq!(aug.get("/files/etc/hosts/3/ipaddr")?, None);
    /// // Two nodes match: an error, not a guess.
    /// assert_eq!(aug.get("/files/etc/hosts/*/ipaddr").unwrap_err().code(), aug_core::ErrorCode::MMatch);
    /// # Ok::<(), aug_core::Error>(())
    /// ```
    pub fn get(&self, path: &str) -> Result<Option<String>, Error> {
        Ok(ops::get(&self.tree, &self.vars, self.context(), path)?)
    }

    /// The label of the single node `path` matches.
    pub fn label(&self, path: &str) -> Result<Option<String>, Error> {
        Ok(ops::label(&self.tree, &self.vars, self.context(), path)?)
    }

    /// The nodes `path` matches.
    pub fn match_nodes(&self, path: &str) -> Result<Vec<NodeId>, Error> {
        Ok(ops::matches(&self.tree, &self.vars, self.context(), path)?)
    }

    /// The escaped paths of the nodes `path` matches (what `aug_match` returns).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost lh\n::1 localhost\n").unwrap();
    /// # let mut aug = aug_core::Augeas::builder().root(dir.path()).flags(aug_core::Flags::NO_STDINC)
    /// #     .modules(aug_lenses::builtin_modules()).open();
    /// let found = aug.matches("/files/etc/hosts/*[canonical = 'localhost']/ipaddr")?;
    /// assert_eq!(found, ["/files/etc/hosts/1/ipaddr", "/files/etc/hosts/2/ipaddr"]);
    /// # Ok::<(), aug_core::Error>(())
    /// ```
    pub fn matches(&self, path: &str) -> Result<Vec<String>, Error> {
        Ok(ops::match_paths(
            &self.tree,
            &self.vars,
            self.context(),
            path,
        )?)
    }

    /// How many nodes `path` matches.
    pub fn count(&self, path: &str) -> Result<usize, Error> {
        Ok(ops::count(&self.tree, &self.vars, self.context(), path)?)
    }

    /// Sets the value of the node `path` matches, creating it (and missing ancestors, as last
    /// children) when nothing matches.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost lh\n::1 localhost\n").unwrap();
    /// # let mut aug = aug_core::Augeas::builder().root(dir.path()).flags(aug_core::Flags::NO_STDINC)
    /// #     .modules(aug_lenses::builtin_modules()).open();
    /// aug.set("/files/etc/hosts/1/alias[last()+1]", Some("myhost"))?;
    /// assert_eq!(aug.get("/files/etc/hosts/1/alias[2]")?.as_deref(), Some("myhost"));
    /// # Ok::<(), aug_core::Error>(())
    /// ```
    pub fn set(&mut self, path: &str, value: Option<&str>) -> Result<(), Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            ops::set(&mut a.tree, &a.vars, ctx, path, value)?;
            Ok(())
        })
    }

    /// Sets `sub` (relative to each node `base` matches; `None` means the node itself) to
    /// `value`. Returns the number of nodes changed.
    pub fn setm(
        &mut self,
        base: &str,
        sub: Option<&str>,
        value: Option<&str>,
    ) -> Result<usize, Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            Ok(ops::setm(&mut a.tree, &a.vars, ctx, base, sub, value)?)
        })
    }

    /// Sets the value of `path` to nothing, creating the node if needed.
    pub fn clear(&mut self, path: &str) -> Result<(), Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            ops::clear(&mut a.tree, &a.vars, ctx, path)?;
            Ok(())
        })
    }

    /// [`Augeas::setm`] with no value.
    pub fn clearm(&mut self, base: &str, sub: &str) -> Result<usize, Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            Ok(ops::clearm(&mut a.tree, &a.vars, ctx, base, sub)?)
        })
    }

    /// Creates the node `path` if nothing matches it.
    pub fn touch(&mut self, path: &str) -> Result<(), Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            Ok(ops::touch(&mut a.tree, &a.vars, ctx, path)?)
        })
    }

    /// Inserts a node labelled `label` before or after the single node `path` matches.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost lh\n::1 localhost\n").unwrap();
    /// # let mut aug = aug_core::Augeas::builder().root(dir.path()).flags(aug_core::Flags::NO_STDINC)
    /// #     .modules(aug_lenses::builtin_modules()).open();
    /// use aug_core::Position;
    /// aug.insert("/files/etc/hosts/1/alias", "alias", Position::Before)?;
    /// aug.set("/files/etc/hosts/1/alias[1]", Some("first"))?;
    /// assert_eq!(aug.matches("/files/etc/hosts/1/alias")?.len(), 2);
    /// # Ok::<(), aug_core::Error>(())
    /// ```
    pub fn insert(&mut self, path: &str, label: &str, position: Position) -> Result<(), Error> {
        let before = position == Position::Before;
        self.atomic(|a| {
            let ctx = a.context_mut();
            ops::insert(&mut a.tree, &a.vars, ctx, path, label, before)?;
            Ok(())
        })
    }

    /// Removes every node `path` matches; returns how many nodes were removed, descendants
    /// included.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost lh\n::1 localhost\n").unwrap();
    /// # let mut aug = aug_core::Augeas::builder().root(dir.path()).flags(aug_core::Flags::NO_STDINC)
    /// #     .modules(aug_lenses::builtin_modules()).open();
    /// // The second entry: its ipaddr and canonical nodes go with it.
    /// assert_eq!(aug.rm("/files/etc/hosts/2")?, 3);
    /// # Ok::<(), aug_core::Error>(())
    /// ```
    pub fn rm(&mut self, path: &str) -> Result<usize, Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            Ok(ops::rm(&mut a.tree, &a.vars, ctx, path)?)
        })
    }

    /// Moves the node `src` to `dst` (replacing `dst` if it exists, creating it otherwise).
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost lh\n::1 localhost\n").unwrap();
    /// # let mut aug = aug_core::Augeas::builder().root(dir.path()).flags(aug_core::Flags::NO_STDINC)
    /// #     .modules(aug_lenses::builtin_modules()).open();
    /// aug.mv("/files/etc/hosts/1/alias", "/files/etc/hosts/2/alias")?;
    /// assert_eq!(aug.get("/files/etc/hosts/2/alias")?.as_deref(), Some("lh"));
    /// # Ok::<(), aug_core::Error>(())
    /// ```
    pub fn mv(&mut self, src: &str, dst: &str) -> Result<(), Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            ops::mv(&mut a.tree, &a.vars, ctx, src, dst)?;
            Ok(())
        })
    }

    /// Copies the node `src` to `dst`.
    pub fn cp(&mut self, src: &str, dst: &str) -> Result<(), Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            ops::cp(&mut a.tree, &a.vars, ctx, src, dst)?;
            Ok(())
        })
    }

    /// Relabels every node `src` matches; returns how many.
    pub fn rename(&mut self, src: &str, label: &str) -> Result<usize, Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            Ok(ops::rename(&mut a.tree, &a.vars, ctx, src, label)?)
        })
    }

    /// Defines `$name` as the value of `expr` (removes it when `expr` is `None`); the
    /// expression is recorded under `/augeas/variables` and re-evaluated after each load.
    /// Returns the number of nodes when the value is a node set, else 0.
    pub fn defvar(&mut self, name: &str, expr: Option<&str>) -> Result<usize, Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            let n = ops::defvar(&a.tree, &mut a.vars, ctx, name, expr)?;
            let vars = a.meta_node(&["variables"]);
            match expr {
                Some(e) => {
                    meta_set(&mut a.tree, vars, name, e);
                }
                None => {
                    if let Some(v) = a.tree.child(vars, name) {
                        a.tree.remove(v);
                    }
                }
            }
            Ok(n)
        })
    }

    /// Defines `$name` as the nodes `expr` matches, creating one (with `value`) when nothing
    /// matches. Returns the number of nodes and whether one was created.
    pub fn defnode(
        &mut self,
        name: &str,
        expr: &str,
        value: Option<&str>,
    ) -> Result<(usize, bool), Error> {
        self.atomic(|a| {
            let ctx = a.context_mut();
            let r = ops::defnode(&mut a.tree, &mut a.vars, ctx, name, expr, value)?;
            let vars = a.meta_node(&["variables"]);
            meta_set(&mut a.tree, vars, name, expr);
            Ok(r)
        })
    }

    pub(crate) fn reevaluate_vars(&mut self) {
        let Some(vars) = self.find_meta(&["variables"]) else {
            return;
        };
        let defs: Vec<(String, String)> = self
            .tree
            .children(vars)
            .iter()
            .filter_map(|&c| {
                Some((
                    self.tree.label(c)?.to_owned(),
                    self.tree.value(c)?.to_owned(),
                ))
            })
            .collect();
        let ctx = self.context_mut();
        for (name, expr) in defs {
            if ops::defvar(&self.tree, &mut self.vars, ctx, &name, Some(&expr)).is_err() {
                self.vars.remove(&name);
            }
        }
    }

    /// Prints the nodes `path` matches (the whole tree when `None`) in `augtool print`
    /// format. As in `aug_print`, a lone `/` is the hidden root, which prints nothing.
    pub fn print(&self, path: Option<&str>) -> Result<String, Error> {
        let mut out = String::new();
        match path {
            None => print_subtree(&self.tree, self.tree.root(), "/", &mut out),
            Some(p) => {
                let nodes = ops::select_visible(&self.tree, &self.vars, self.context(), p)?;
                for (n, np) in nodes.iter().zip(node_paths(&self.tree, &nodes)) {
                    print_subtree(&self.tree, *n, &np.unwrap_or_default(), &mut out);
                }
            }
        }
        Ok(out)
    }

    /// Escapes a label for use as one step of a path (`aug_escape_name`).
    pub fn escape_name(name: &str) -> String {
        escape_name(name)
    }

    /// The file node (`/files/etc/hosts`) of the single node `path` matches, if that node
    /// belongs to a loaded file.
    pub fn source(&self, path: &str) -> Result<Option<String>, Error> {
        let nodes = self.match_nodes(path)?;
        let node = match nodes.as_slice() {
            [] => return Err(Error::new(ErrorCode::NoMatch, None, Some(path.to_owned()))),
            [n] => *n,
            _ => {
                return Err(Error::new(
                    ErrorCode::MMatch,
                    None,
                    Some(format!("There are {} nodes matching {path}", nodes.len())),
                ));
            }
        };
        Ok(self
            .tree
            .file_of(node)
            .and_then(|f| node_path(&self.tree, f)))
    }

    /// The file path (`/etc/hosts`) of a file node.
    fn file_path_of(&self, file_node: NodeId) -> Option<String> {
        let mut labels = Vec::new();
        let mut n = file_node;
        while Some(n) != self.files_node() {
            labels.push(self.tree.label(n)?.to_owned());
            n = self.tree.parent(n)?;
        }
        labels.reverse();
        Some(format!("/{}", labels.join("/")))
    }

    /// The text of `file` (`/etc/hosts`) as it is on disk under the root, read as load
    /// reads it (confined to the root, regular files only); `None` if there is no such
    /// file.
    pub fn disk_text(&self, file: &str) -> Result<Option<String>, Error> {
        match self.disk().read_text(file) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::new(
                ErrorCode::FileAccess,
                None,
                Some(format!("{file}: {}", crate::fs::message(&e))),
            )),
        }
    }

    /// The text a save would write for the file that the node `path` belongs to. A node
    /// outside any file is an error (`BadArg`), as in Augeas.
    pub fn preview(&mut self, path: &str) -> Result<Option<String>, Error> {
        let Some(src) = self.source(path)? else {
            return Err(Error::new(
                ErrorCode::BadArg,
                None,
                Some(format!("Path {path} is not associated with a file")),
            ));
        };
        let Some(node) = self.match_nodes(&src)?.first().copied() else {
            return Ok(None);
        };
        let Some(file) = self.file_path_of(node) else {
            return Ok(None);
        };
        let xfms = self.transforms();
        let Some(lens) = xfms
            .iter()
            .find(|x| x.module.is_some() && x.applies(&file))
            .and_then(|x| x.lens())
        else {
            return Err(Error::new(ErrorCode::NoLens, None, Some(file)));
        };
        let original = self.disk_text(&file)?.unwrap_or_default();
        let text = lens
            .put(&self.tree, node, &with_final_newline(original))
            .map_err(|e| {
                Error::new(
                    ErrorCode::Internal,
                    Some("put failed".into()),
                    Some(e.to_string()),
                )
            })?;
        Ok(Some(text))
    }

    /// Where the single node `path` matches came from in its file. Needs spans (the
    /// `ENABLE_SPAN` flag or `/augeas/span = enable` before loading).
    pub fn span(&self, path: &str) -> Result<SpanInfo, Error> {
        let nodes = self.match_nodes(path)?;
        let node = match nodes.as_slice() {
            [n] => *n,
            [] => return Err(Error::new(ErrorCode::NoMatch, None, Some(path.to_owned()))),
            _ => {
                return Err(Error::new(
                    ErrorCode::MMatch,
                    None,
                    Some(format!("There are {} nodes matching {path}", nodes.len())),
                ));
            }
        };
        let no_span = || Error::new(ErrorCode::NoSpan, None, Some(path.to_owned()));
        let span = self.tree.span(node).ok_or_else(no_span)?;
        // A text stored with `store` is named by the path it was stored at.
        let stored = self
            .tree
            .ancestors_or_self(node)
            .find_map(|a| self.text_spans.get(&a).cloned());
        let filename = match stored {
            Some(p) => p,
            None => {
                let file = self.tree.file_of(node).ok_or_else(no_span)?;
                let file = self.file_path_of(file).ok_or_else(no_span)?;
                self.disk().shown(&file).to_string_lossy().into_owned()
            }
        };
        Ok(SpanInfo {
            filename,
            label: span.label.clone(),
            value: span.value.clone(),
            span: span.span.clone(),
        })
    }

    /// Adds a transform: `lens` (`Hosts.lns`, or a module name) applies to `file`
    /// ([`Filter::Incl`]), or skips it ([`Filter::Excl`]). Takes effect at the next load.
    pub fn transform(&mut self, lens: &str, file: &str, filter: Filter) -> Result<(), Error> {
        let excl = filter == Filter::Excl;
        let (module, lens_name) = match lens.split_once('.') {
            Some((m, _)) => (m.to_owned(), lens.to_owned()),
            None => (lens.to_owned(), format!("{lens}.lns")),
        };
        let x = self.meta_node(&["load", &module]);
        if self.tree.child(x, "lens").is_none() {
            self.tree.append_child(x, Some("lens"), Some(&lens_name));
        }
        let kind = if excl { "excl" } else { "incl" };
        self.tree.append_child(x, Some(kind), Some(file));
        Ok(())
    }

    /// Forgets the layouts recorded when files were read or saved. Saving a file then
    /// parses its original text again to recover its layout, as C Augeas always does: the
    /// same output, more slowly. It frees the memory the layouts take (about 20 bytes per
    /// top-level node, plus its label); they come back with the next load or save.
    pub fn forget_layouts(&mut self) {
        self.layouts = Default::default();
    }

    /// Loads one file with the lens whose transform matches it.
    pub fn load_file(&mut self, file: &str) -> Result<(), Error> {
        let xfms = self.transforms();
        let Some(x) = xfms.iter().find(|x| x.module.is_some() && x.applies(file)) else {
            return Err(Error::new(
                ErrorCode::NoLens,
                None,
                Some(format!("can not determine lens to load file {file}")),
            ));
        };
        let (Some(lens), name) = (x.lens(), x.lens_name.clone()) else {
            return Ok(());
        };
        let spans = self.spans_enabled();
        self.load_one(file, &lens, &name, spans);
        if let Some(n) = self.file_node(file, false) {
            // A file up to date is not read again, and keeps the record of how its tree
            // differs from its text.
            self.tree.clear_dirty_keeping(n, &[]);
        }
        Ok(())
    }

    fn lens_by_name(&self, lens: &str) -> Result<crate::lens::Lens, Error> {
        let name = if lens.starts_with('@') || lens.contains('.') {
            lens.to_owned()
        } else {
            format!("{lens}.lns")
        };
        self.find_lens(&name).ok_or_else(|| {
            Error::new(
                ErrorCode::NoLens,
                None,
                Some(format!("Can not find lens {lens}")),
            )
        })
    }

    /// `/augeas/text/<path>`, made if missing, with its old error gone.
    fn text_meta(&mut self, path: &str) -> NodeId {
        let mut labels = vec!["text"];
        labels.extend(path.split('/').filter(|c| !c.is_empty()));
        let m = self.meta_node(&labels);
        if let Some(e) = self.tree.child(m, "error") {
            self.tree.remove(e);
        }
        m
    }

    /// Parses the value of the node `node` with `lens` and stores the result under `path`
    /// (replacing what was there). A text that does not parse is recorded under
    /// `/augeas/text/<path>/error` (`parse_failed`, with its position) and `path` is left
    /// alone; the call then fails with [`ErrorCode::NoError`], as `aug_text_store` returns
    /// -1 without an error code (augtool reports nothing).
    pub fn text_store(&mut self, lens: &str, node: &str, path: &str) -> Result<(), Error> {
        let l = self.lens_by_name(lens)?;
        let text = self.get(node)?.ok_or_else(|| {
            Error::new(
                ErrorCode::NoMatch,
                None,
                Some(format!("Failed to get value of {node}")),
            )
        })?;
        // An invalid path is reported before anything else, as in Augeas.
        crate::path::PathExpr::parse(path).map_err(ops::OpError::from)?;
        let meta = self.text_meta(path);
        let spans = self.spans_enabled();
        let parsed = match l.get_into(&text, spans, false, &mut self.tree) {
            Ok(p) => p,
            Err(e) => {
                self.record_get_error(meta, "parse_failed", &e);
                return Err(text_failed("parse failed", &e.to_string()));
            }
        };
        let ctx = self.context_mut();
        let target = match ops::expand(&mut self.tree, &self.vars, ctx, path) {
            Ok((t, _)) => t,
            Err(e) => {
                self.tree.discard(&parsed.children);
                return Err(e.into());
            }
        };
        self.tree.clear_children(target);
        self.tree.adopt(target, parsed.children);
        self.tree.mark_dirty(target);
        if spans {
            // `span` names the text by the path it was stored at, as Augeas does.
            self.text_spans.insert(target, path.to_owned());
            self.tree.set_span(
                target,
                Some(crate::tree::NodeSpan {
                    label: 0..0,
                    value: 0..0,
                    span: 0..text.len(),
                }),
            );
        }
        Ok(())
    }

    /// Writes the tree at `path` with `lens`, using the value of `node_in` as the original
    /// text, and stores the result as the value of `node_out`. A missing `node_in`, or one
    /// without a value, is an error (`NoMatch`), as in Augeas. As in Augeas, no tree at
    /// `path` writes the empty text, and a failure to write is recorded under
    /// `/augeas/text/<path>/error` (`parse_skel_failed` when the original text does not
    /// parse, `put_failed` when the tree does not fit the lens) and fails the call with
    /// [`ErrorCode::NoError`], as `aug_text_retrieve` does.
    pub fn text_retrieve(
        &mut self,
        lens: &str,
        node_in: &str,
        path: &str,
        node_out: &str,
    ) -> Result<(), Error> {
        let l = self.lens_by_name(lens)?;
        // The original text must be there, as in Augeas (an empty one is fine).
        let Some(original) = self.get(node_in)? else {
            let what = if self.count(node_in)? == 0 {
                "does not exist"
            } else {
                "has a NULL value"
            };
            return Err(Error::new(
                ErrorCode::NoMatch,
                None,
                Some(format!("Source node {node_in} {what}")),
            ));
        };
        let nodes = self.match_nodes(path)?;
        let meta = self.text_meta(path);
        let Some(&tree_node) = nodes.first() else {
            return self.set(node_out, Some(""));
        };
        let text = match l.put(&self.tree, tree_node, &original) {
            Ok(t) => t,
            Err(crate::lens::PutError::Skeleton(e)) => {
                self.record_get_error(meta, "parse_skel_failed", &e);
                return Err(text_failed(
                    "parse of the original text failed",
                    &e.to_string(),
                ));
            }
            Err(crate::lens::PutError::Tree {
                path: at,
                lens,
                message,
            }) => {
                self.record_error(
                    meta,
                    "put_failed",
                    &[("path", &at), ("lens", &lens), ("message", &message)],
                );
                return Err(text_failed("put failed", &format!("{at}: {message}")));
            }
        };
        self.set(node_out, Some(&text))
    }
}
