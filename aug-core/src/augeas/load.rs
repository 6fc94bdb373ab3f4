//! Loading: the transforms under `/augeas/load`, matching files under the root, reading
//! them through their lens into `/files`, and recording metadata and errors under
//! `/augeas/files`.

use super::{Augeas, Module, meta_set};
use crate::fs;
use crate::lens::Lens;
use crate::lens::layout::{Layout, TopEntry};
use crate::tree::{NodeId, Subtree};
use std::collections::{BTreeMap, BTreeSet};

/// A transform as read from `/augeas/load/NAME`.
#[derive(Debug, Clone)]
pub(crate) struct Xfm {
    /// The value of `lens`, e.g. `@Hosts` or `Hosts.lns`.
    pub(crate) lens_name: String,
    /// The module `lens_name` names (its lens only, see [`Module::lens_handle`]); its lens
    /// may not be built yet (see [`Xfm::lens`]).
    pub(crate) module: Option<Module>,
    /// The transform's node, `/augeas/load/NAME`.
    pub(crate) node: NodeId,
    pub(crate) incl: Vec<String>,
    pub(crate) excl: Vec<String>,
}

impl Xfm {
    /// The transform's lens, built now if it was deferred; `None` if there is no such
    /// module or its lens cannot be built.
    pub(crate) fn lens(&self) -> Option<Lens> {
        self.module.as_ref()?.lens().ok().cloned()
    }

    /// Whether this transform covers `file` (Augeas's `transform_applies`).
    pub(crate) fn applies(&self, file: &str) -> bool {
        self.incl.iter().any(|i| fs::fnmatch(&normalize(i), file))
            && !self.excl.iter().any(|e| excluded(e, file))
    }
}

fn normalize(p: &str) -> String {
    let mut s = p.to_owned();
    while s.contains("//") {
        s = s.replace("//", "/");
    }
    s
}

/// An `excl` pattern without `/` applies to the basename, otherwise to the whole path.
fn excluded(pattern: &str, file: &str) -> bool {
    if pattern.contains('/') {
        fs::fnmatch(&normalize(pattern), file)
    } else {
        let base = file.rsplit('/').next().unwrap_or(file);
        fs::fnmatch(pattern, base)
    }
}

impl Augeas {
    /// Reads the transforms from `/augeas/load`, finding their modules (without building
    /// deferred lenses). A transform whose module cannot be found, or whose lens is known
    /// to have failed, gets `/augeas/load/NAME/error`.
    pub(crate) fn transforms(&mut self) -> Vec<Xfm> {
        let load = self.meta_node(&["load"]);
        let mut out = Vec::new();
        let entries: Vec<NodeId> = self.tree.children(load).to_vec();
        for x in entries {
            if self.tree.label(x).is_none() {
                continue;
            }
            let mut xfm = Xfm {
                lens_name: String::new(),
                module: None,
                node: x,
                incl: Vec::new(),
                excl: Vec::new(),
            };
            for &c in self.tree.children(x) {
                let v = self.tree.value(c).unwrap_or("").to_owned();
                match self.tree.label(c) {
                    Some("lens") => xfm.lens_name = v,
                    Some("incl") => xfm.incl.push(v),
                    Some("excl") => xfm.excl.push(v),
                    _ => {}
                }
            }
            xfm.module = self.find_module(&xfm.lens_name).map(Module::lens_handle);
            if let Some(err) = self.tree.child(x, "error") {
                self.tree.remove(err);
            }
            if let Some(e) = xfm.module.as_ref().and_then(Module::known_error) {
                let e = e.to_owned();
                self.tree.append_child(x, Some("error"), Some(&e));
            } else if xfm.module.is_none() {
                let module = xfm.lens_name.trim_start_matches('@');
                let module = module.split('.').next().unwrap_or(module);
                let msg = self
                    .broken
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(module))
                    .map_or_else(
                        || format!("Can not find lens {}", xfm.lens_name),
                        |(_, m)| m.clone(),
                    );
                self.tree.append_child(x, Some("error"), Some(&msg));
            }
            out.push(xfm);
        }
        out
    }

    /// Resolves `@Module` (the module's autoload lens) or `Module.lns`, building the lens
    /// if it was deferred.
    pub(crate) fn find_lens(&self, name: &str) -> Option<Lens> {
        self.find_module(name)?.lens().ok().cloned()
    }

    /// The module of `@Module` or `Module.lns` (case-insensitively), unless it failed the
    /// typechecker; its lens is not built here.
    pub(crate) fn find_module(&self, name: &str) -> Option<&Module> {
        let (module, lens) = match name.strip_prefix('@') {
            Some(m) => (m, "lns"),
            None => name.split_once('.')?,
        };
        if lens != "lns" {
            return None;
        }
        if self
            .broken
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(module))
        {
            return None;
        }
        self.module_index
            .get(&module.to_ascii_lowercase())
            .and_then(|&i| self.modules.get(i))
    }

    /// `aug_load`: (re)loads every file the transforms match. Files whose mtime is
    /// unchanged and whose tree is not dirty are kept as they are; files no transform
    /// matches any more are dropped. Per-file failures are recorded under
    /// `/augeas/files/<file>/error`, not returned.
    pub(crate) fn load_all(&mut self) {
        match self.engine {
            Some(e) => crate::lens::with_engine(e, || self.load_files()),
            None => self.load_files(),
        }
    }

    fn load_files(&mut self) {
        // Augeas makes these anew on every load (even when no file is loaded), in this
        // order, where a user removed them.
        self.meta_node(&["files"]);
        self.files_mut();
        self.meta_node(&["load"]);
        self.meta_node(&["variables"]);
        let spans = self.spans_enabled();
        let xfms = self.transforms();
        // Which files each transform claims.
        let mut claimed: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut globber = fs::Globber::confined(&self.root);
        for (i, x) in xfms.iter().enumerate() {
            if x.module.is_none() {
                continue;
            }
            let mut files = BTreeSet::new();
            for incl in &x.incl {
                for f in globber.glob(&normalize(incl)) {
                    if !x.excl.iter().any(|e| excluded(e, &f)) {
                        files.insert(f);
                    }
                }
            }
            for f in files {
                claimed.entry(f).or_default().push(i);
            }
        }
        // Drop files that are no longer claimed.
        let known = self.known_files();
        for f in known {
            if !claimed.contains_key(&f) {
                self.drop_file(&f);
            }
        }
        for (file, owners) in &claimed {
            if owners.len() > 1 {
                self.drop_file(file);
                let m = self.file_meta(file);
                self.record_error(
                    m,
                    "mxfm_load",
                    &[("message", "Multiple transforms match this file")],
                );
                continue;
            }
            let Some(x) = owners.first().and_then(|&i| xfms.get(i)) else {
                continue;
            };
            // Deferred lenses are built here, for the transforms that claim a file.
            let Some(lens) = x.lens() else {
                if let Some(e) = x.module.as_ref().and_then(Module::known_error)
                    && self.tree.child(x.node, "error").is_none()
                {
                    let e = e.to_owned();
                    self.tree.append_child(x.node, Some("error"), Some(&e));
                }
                continue;
            };
            self.load_one(file, &lens, &x.lens_name, spans);
        }
        // Nodes under `/files` that belong to no file go, as in Augeas, and so do the
        // ones added or changed since the last load; the context node stays.
        let files = self.files_mut();
        let context = self.context();
        self.tree.remove_stray_leaves(files, Some(context));
        // Like Augeas, a load leaves nothing modified, `/augeas` included.
        let root = self.tree.root();
        self.tree.clear_dirty(root);
        self.reevaluate_vars();
    }

    /// Loads one file through `lens` unless it is up to date.
    pub(crate) fn load_one(&mut self, file: &str, lens: &Lens, lens_name: &str, spans: bool) {
        // A glob's match with `..` in it (`/etc/../etc/hosts`) is not loaded.
        if file.split('/').any(|c| c == "..") {
            return;
        }
        let disk = self.disk();
        let mtime = disk.mtime(file);
        let meta = self.file_meta(file);
        let node = self.file_node(file, false);
        let recorded = self
            .tree
            .child(meta, "mtime")
            .and_then(|m| self.tree.value(m))
            .and_then(|v| v.parse::<i64>().ok());
        let dirty = node.is_some_and(|n| self.tree.is_dirty(n));
        // Up to date, as Augeas's `file_current` says: same mtime, and a tree that is
        // not dirty. A file whose last save failed keeps its (unsaved) tree and its error.
        if node.is_some() && !dirty && recorded.is_some() && recorded == mtime {
            return;
        }
        // Start from a clean slate for this file.
        let keep: Vec<NodeId> = self.tree.children(meta).to_vec();
        self.tree.remove_many(&keep);
        meta_set(&mut self.tree, meta, "path", &format!("/files{file}"));
        meta_set(
            &mut self.tree,
            meta,
            "mtime",
            &mtime.unwrap_or(0).to_string(),
        );
        let lens_node = meta_set(&mut self.tree, meta, "lens", lens_name);
        // As Augeas: where the lens was written (`hosts.aug:13.12-.52:`); a lens made in
        // Rust (the built-in modules) is named as its transform names it.
        let info = lens
            .origin()
            .map_or_else(|| lens_name.to_owned(), |o| format!("{o}:"));
        meta_set(&mut self.tree, lens_node, "info", &info);
        // A file read again keeps its place among its siblings, as in Augeas.
        let slot = node.and_then(|n| Some((self.tree.parent(n)?, self.tree.index_in_parent(n)?)));
        // So does a value set on the file's node (Augeas reads the file into that node).
        let old_value = node.and_then(|n| self.tree.value(n).map(str::to_owned));
        if let Some(n) = node {
            self.tree.remove(n);
        }
        self.layouts.remove(file);
        let text = match disk.read_text(file) {
            Ok(t) => t,
            Err(e) => {
                self.record_error(meta, "read_failed", &[("message", &crate::fs::message(&e))]);
                return;
            }
        };
        let text = with_final_newline(text);
        // As C, an empty file is not parsed: it reads as a file with no nodes, whether
        // the lens accepts the empty text or not.
        let got = if text.is_empty() {
            Ok(crate::lens::GotFile {
                children: Vec::new(),
                value: None,
                top: None,
            })
        } else {
            lens.get_into(&text, spans, lens.layout_by_subtrees(), &mut self.tree)
        };
        match got {
            Ok(crate::lens::GotFile {
                children,
                value,
                top,
            }) => {
                let label = file.rsplit('/').next().unwrap_or(file);
                let node = match slot {
                    Some((parent, index)) if self.tree.contains(parent) => {
                        self.tree
                            .graft(parent, index, Subtree::new(Some(label), None))
                    }
                    _ => self.file_node(file, true),
                };
                if let Some(node) = node {
                    self.tree.set_file(node, true);
                    if let Some(v) = value.as_deref().or(old_value.as_deref()) {
                        self.tree.set_value(node, Some(v));
                    }
                    self.tree.adopt(node, children);
                    self.record_layout(file, node, &text, lens, top);
                    if spans {
                        self.tree.set_span(
                            node,
                            Some(crate::tree::NodeSpan {
                                label: 0..0,
                                value: 0..0,
                                span: 0..text.len(),
                            }),
                        );
                    }
                } else {
                    self.tree.discard(&children);
                }
            }
            Err(e) => self.record_get_error(meta, "parse_failed", &e),
        }
    }

    /// Records a text that did not parse as Augeas does: `kind` with the position (`pos`,
    /// `line`, `char`), the lens and the message.
    pub(crate) fn record_get_error(&mut self, meta: NodeId, kind: &str, e: &crate::lens::GetError) {
        let pos = e.span.offset.to_string();
        let line = e.span.line.to_string();
        let ch = e.span.col.saturating_sub(1).to_string();
        self.record_error(
            meta,
            kind,
            &[
                ("pos", &pos),
                ("line", &line),
                ("char", &ch),
                ("lens", &e.lens),
                ("message", &e.message),
            ],
        );
        // Where an iteration stopped short, Augeas also names the last part of the
        // iterated lens that matched and the next one, which did not.
        let lens = self
            .tree
            .child(meta, "error")
            .and_then(|err| self.tree.child(err, "lens"));
        if let (Some(lens), Some(parts)) = (lens, &e.parts) {
            for (label, value) in [
                ("last_matched", &parts.last),
                ("next_not_matched", &parts.next),
            ] {
                if let Some(v) = value {
                    self.tree.append_child(lens, Some(label), Some(v));
                }
            }
        }
    }

    /// Files with an entry under `/augeas/files`, as `/etc/hosts`-style paths, in the
    /// order of that tree.
    pub(crate) fn known_files(&self) -> Vec<String> {
        let mut out = Vec::new();
        let Some(files_meta) = self.find_meta(&["files"]) else {
            return out;
        };
        let mut stack: Vec<(NodeId, String)> = vec![(files_meta, String::new())];
        while let Some((n, p)) = stack.pop() {
            if self.tree.child(n, "path").is_some() {
                out.push(p.clone());
            }
            // In document order, as Augeas walks `/augeas/files`.
            for &c in self.tree.children(n).iter().rev() {
                if let Some(l) = self.tree.label(c)
                    && !matches!(l, "path" | "mtime" | "lens" | "error")
                {
                    stack.push((c, format!("{p}/{l}")));
                }
            }
        }
        out
    }

    /// Keeps the layout of `text`, just read into (or written from) the file node `node`
    /// by `lens`, for the next save: `top` lists the top-level subtrees, which must be the
    /// node's children in order; each child records which entry it came from.
    pub(crate) fn record_layout(
        &mut self,
        file: &str,
        node: NodeId,
        text: &str,
        lens: &Lens,
        top: Option<Vec<TopEntry>>,
    ) {
        let kids = self.tree.children(node);
        let layout = top.filter(|t| t.len() == kids.len()).and_then(|t| {
            Layout::new(
                text,
                lens,
                node,
                t,
                kids.iter().map(|&k| self.tree.label(k)),
            )
        });
        match layout {
            Some(l) => {
                for i in 0..l.len() {
                    if let Some(&k) = self.tree.children(node).get(i) {
                        self.tree.set_origin(k, i as u32);
                    }
                }
                self.layouts.insert(file.to_owned(), l);
            }
            None => {
                self.layouts.remove(file);
            }
        }
    }

    /// Removes a file's tree and metadata.
    pub(crate) fn drop_file(&mut self, file: &str) {
        self.layouts.remove(file);
        if let Some(n) = self.file_node(file, false) {
            self.tree.remove(n);
        }
        let comps: Vec<&str> = file.split('/').filter(|c| !c.is_empty()).collect();
        let mut path = vec!["files"];
        path.extend(comps);
        if let Some(m) = self.find_meta(&path) {
            let kids: Vec<NodeId> = self
                .tree
                .children(m)
                .iter()
                .copied()
                .filter(|&c| {
                    matches!(
                        self.tree.label(c),
                        Some("path" | "mtime" | "lens" | "error")
                    )
                })
                .collect();
            self.tree.remove_many(&kids);
            if self.tree.children(m).is_empty() {
                self.tree.remove(m);
            }
        }
    }

    /// Replaces the `error` node of a file's metadata.
    pub(crate) fn record_error(&mut self, meta: NodeId, kind: &str, fields: &[(&str, &str)]) {
        if let Some(e) = self.tree.child(meta, "error") {
            self.tree.remove(e);
        }
        let mut sub = Subtree::new(Some("error"), Some(kind));
        for (k, v) in fields {
            sub.children.push(Subtree::new(Some(k), Some(v)));
        }
        let at = self.tree.children(meta).len();
        self.tree.graft(meta, at, sub);
    }
}

/// Augeas appends a newline to a file that lacks one before parsing (and before put).
pub(crate) fn with_final_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
