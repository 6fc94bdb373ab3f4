//! Loading: the transforms under `/augeas/load`, matching files under the root, reading
//! them through their lens into `/files`, and recording metadata and errors under
//! `/augeas/files`.

use super::{Augeas, Module, meta_set};
use crate::fs;
use crate::lens::Lens;
use crate::lens::layout::{Layout, TextPrint, TopEntry, TopNotes};
use crate::tree::{NodeId, Subtree, Tree};
use std::collections::{BTreeMap, BTreeSet};

/// Below this much text in all, a load reads its files on one thread.
const PARALLEL_MIN_BYTES: u64 = 64 * 1024;
/// The most threads a load reads files on.
const MAX_LOAD_THREADS: usize = 8;

/// The indexes of `jobs` shared among `threads` threads, each share in order: the biggest
/// files first, each to the share with the fewest bytes so far. Share 0 is read on the
/// calling thread, straight into the handle's tree.
fn shares(jobs: &[LoadJob], threads: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(jobs.get(i).map_or(0, |j| j.size)));
    let mut shares: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); threads.max(1)];
    for i in order {
        if let Some(least) = shares.iter_mut().min_by_key(|(bytes, _)| *bytes) {
            least.0 += jobs.get(i).map_or(0, |j| j.size);
            least.1.push(i);
        }
    }
    shares
        .into_iter()
        .map(|(_, mut share)| {
            share.sort_unstable();
            share
        })
        .collect()
}

/// A file to read, once its metadata is written ([`Augeas::prepare_load`]).
struct LoadJob {
    file: String,
    /// Its size when it was looked at (how to share the reading among threads).
    size: u64,
    lens: Lens,
    /// Its node under `/augeas/files`.
    meta: NodeId,
    /// Its tree from an earlier load, replaced when the new one is in.
    old: Option<NodeId>,
    spans: bool,
}

/// A file that was read: the length of its text and what get made of it.
struct FileRead {
    len: usize,
    got: Result<Got, crate::lens::GetError>,
}

/// What get made of a file: its top-level nodes, detached, and the value the lens set at
/// the top level; with the layout of its text when the lens has one, which the nodes'
/// origins already point into (made on the reading thread, which is what the reading
/// threads have time for: see [`Augeas::read_all`]).
struct Got {
    children: Vec<NodeId>,
    value: Option<String>,
    layout: Option<Layout>,
}

/// A file that could not be read, with the message.
struct ReadFailure(String);

impl LoadJob {
    /// Reads the file from `disk` and gets its tree into `tree`, detached.
    fn read(&self, disk: &fs::Root, tree: &mut Tree) -> Result<FileRead, ReadFailure> {
        let text = disk
            .read_text(&self.file)
            .map_err(|e| ReadFailure(crate::fs::message(&e)))?;
        let text = with_final_newline(text);
        // As C, an empty file is not parsed: it reads as a file with no nodes, whether
        // the lens accepts the empty text or not.
        let got = if text.is_empty() {
            Ok(Got {
                children: Vec::new(),
                value: None,
                layout: None,
            })
        } else {
            let layout = self.lens.layout_by_subtrees() || self.lens.layout_by_iterations();
            (self.lens)
                .get_into(&text, self.spans, layout, tree)
                .map(|got| {
                    // The text's print is taken only for a layout (a hash of all of it).
                    let print = got.top.as_ref().map(|_| TextPrint::of(&text));
                    let layout = print.and_then(|print| {
                        layout_of_nodes(print, &self.lens, got.top, got.notes, &got.children, tree)
                    });
                    Got {
                        layout,
                        children: got.children,
                        value: got.value,
                    }
                })
        };
        Ok(FileRead {
            len: text.len(),
            got,
        })
    }
}

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
        let mut jobs = Vec::new();
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
            if let Some(job) = self.prepare_load(file, &lens, &x.lens_name, spans) {
                jobs.push(job);
            }
        }
        let reads = self.read_all(&jobs);
        for (job, read) in jobs.into_iter().zip(reads) {
            self.finish_load(job, read);
        }
        // Nodes under `/files` that belong to no file go, as in Augeas; files' trees
        // and the context node stay.
        let files = self.files_mut();
        let context = self.context();
        self.tree.remove_stray_leaves(files, Some(context));
        // Like Augeas, a load leaves nothing modified, `/augeas` included; a file it did
        // not read again keeps the record of how its tree differs from its text.
        let root = self.tree.root();
        self.tree.clear_dirty_keeping(root, &[]);
        self.reevaluate_vars();
    }

    /// Loads one file through `lens` unless it is up to date.
    pub(crate) fn load_one(&mut self, file: &str, lens: &Lens, lens_name: &str, spans: bool) {
        if let Some(job) = self.prepare_load(file, lens, lens_name, spans) {
            let read = job.read(&self.disk(), &mut self.tree);
            self.finish_load(job, read);
        }
    }

    /// The first step of loading `file`: `None` if it is up to date (or not to be
    /// loaded), else its metadata under `/augeas/files` is written anew and the job of
    /// reading it is returned, for [`LoadJob::read`] then [`Augeas::finish_load`].
    fn prepare_load(
        &mut self,
        file: &str,
        lens: &Lens,
        lens_name: &str,
        spans: bool,
    ) -> Option<LoadJob> {
        // A glob's match with `..` in it (`/etc/../etc/hosts`) is not loaded.
        if file.split('/').any(|c| c == "..") {
            return None;
        }
        let stat = self.disk().mtime_and_size(file);
        let mtime = stat.map(|(m, _)| m);
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
            return None;
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
        self.layouts.remove(file);
        Some(LoadJob {
            file: file.to_owned(),
            size: stat.map_or(0, |(_, size)| size),
            lens: lens.clone(),
            meta,
            old: node,
            spans,
        })
    }

    /// The last step of loading a file: its old tree (if any) is replaced by what `read`
    /// got, in the same place among its siblings, or the failure is recorded.
    fn finish_load(&mut self, job: LoadJob, read: Result<FileRead, ReadFailure>) {
        let LoadJob {
            file,
            meta,
            old,
            spans,
            ..
        } = job;
        let file = file.as_str();
        // A file read again keeps its place among its siblings, as in Augeas.
        let slot = old.and_then(|n| Some((self.tree.parent(n)?, self.tree.index_in_parent(n)?)));
        // So does a value set on the file's node (Augeas reads the file into that node).
        let old_value = old.and_then(|n| self.tree.value(n).map(str::to_owned));
        if let Some(n) = old {
            self.tree.remove(n);
        }
        let FileRead { len, got } = match read {
            Ok(r) => r,
            Err(ReadFailure(message)) => {
                self.record_error(meta, "read_failed", &[("message", &message)]);
                return;
            }
        };
        match got {
            Ok(Got {
                children,
                value,
                layout,
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
                    self.keep_layout(file, node, layout);
                    if spans {
                        self.tree.set_span(
                            node,
                            Some(crate::tree::NodeSpan {
                                label: 0..0,
                                value: 0..0,
                                span: 0..len,
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

    /// Reads the files of `jobs` into the tree, in order: on several threads when there
    /// is enough text to pay for them (see [`Augeas::load_threads`]), else on this one.
    /// Every thread but this one reads into a tree of its own, which is then moved into
    /// this one ([`Tree::absorb`]): the trees, and everything a load records, are the
    /// same either way.
    fn read_all(&mut self, jobs: &[LoadJob]) -> Vec<Result<FileRead, ReadFailure>> {
        let disk = self.disk();
        let threads = self.load_threads(jobs);
        if threads <= 1 {
            return jobs.iter().map(|j| j.read(&disk, &mut self.tree)).collect();
        }
        let shares = shares(jobs, threads);
        let engine = crate::lens::engine::engine();
        let mut results: Vec<Option<Result<FileRead, ReadFailure>>> =
            (0..jobs.len()).map(|_| None).collect();
        let tree = &mut self.tree;
        let theirs = std::thread::scope(|scope| {
            let mut handles = Vec::new();
            for share in shares.iter().skip(1) {
                let disk = &disk;
                let spawned = std::thread::Builder::new()
                    .name("aug-load".into())
                    .spawn_scoped(scope, move || {
                        crate::lens::with_engine(engine, || {
                            let mut side = Tree::new();
                            let reads: Vec<_> = share
                                .iter()
                                .filter_map(|&i| Some((i, jobs.get(i)?.read(disk, &mut side))))
                                .collect();
                            (side, reads)
                        })
                    });
                // A thread that cannot be made leaves its files to this one (below).
                if let Ok(h) = spawned {
                    handles.push(h);
                }
            }
            for &i in shares.first().into_iter().flatten() {
                if let (Some(job), Some(r)) = (jobs.get(i), results.get_mut(i)) {
                    *r = Some(job.read(&disk, tree));
                }
            }
            handles
                .into_iter()
                .filter_map(|h| h.join().ok())
                .collect::<Vec<_>>()
        });
        for (side, reads) in theirs {
            // Files of a tree that cannot be moved here are read again, here.
            let Some(moved) = self.tree.absorb(side) else {
                continue;
            };
            for (i, mut read) in reads {
                if let Ok(FileRead { got: Ok(got), .. }) = &mut read {
                    for c in &mut got.children {
                        *c = moved.id(*c);
                    }
                }
                if let Some(r) = results.get_mut(i) {
                    *r = Some(read);
                }
            }
        }
        results
            .into_iter()
            .zip(jobs)
            .map(|(r, job)| r.unwrap_or_else(|| job.read(&disk, &mut self.tree)))
            .collect()
    }

    /// How many threads to read `jobs` on: the handle's setting ([`Builder::load_threads`],
    /// else `$AUG_RS_LOAD_THREADS`); automatically, one unless the files have
    /// [`PARALLEL_MIN_BYTES`] between them, else as many as the machine runs at once
    /// (at most [`MAX_LOAD_THREADS`]). Never more than there are files.
    ///
    /// [`Builder::load_threads`]: super::Builder::load_threads
    fn load_threads(&self, jobs: &[LoadJob]) -> usize {
        let set = self.load_threads.filter(|&n| n > 0).or_else(|| {
            std::env::var("AUG_RS_LOAD_THREADS")
                .ok()
                .and_then(|v| v.trim().parse().ok())
        });
        let threads = match set {
            Some(n) if n > 0 => n,
            _ => {
                let total: u64 = jobs.iter().map(|j| j.size).sum();
                if total < PARALLEL_MIN_BYTES {
                    1
                } else {
                    std::thread::available_parallelism()
                        .map_or(1, usize::from)
                        .min(MAX_LOAD_THREADS)
                }
            }
        };
        threads.min(jobs.len())
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

    /// Keeps the layout of the text `print` is of, just read into (or written from) the
    /// file node `node` by `lens`, for the next save: `top` lists the top-level subtrees,
    /// which must be the node's children in order, with what get noted of them (the `seq`
    /// counters at their starts where the lens needs them, the entries put writes anew:
    /// see [`TopNotes`]); each child records which entry it came from.
    pub(crate) fn record_layout(
        &mut self,
        file: &str,
        node: NodeId,
        print: TextPrint,
        lens: &Lens,
        top: Option<Vec<TopEntry>>,
        notes: TopNotes,
    ) {
        let kids = self.tree.children(node).to_vec();
        let layout = layout_of_nodes(print, lens, top, notes, &kids, &mut self.tree);
        self.keep_layout(file, node, layout);
    }

    /// Keeps `layout` as the layout of `file`, whose node is `node`, if it has as many
    /// entries as the node has children (their origins set by [`layout_of_nodes`]); else
    /// the file has none, and its children no origin.
    fn keep_layout(&mut self, file: &str, node: NodeId, layout: Option<Layout>) {
        match layout {
            Some(mut l) if l.len() == self.tree.children(node).len() => {
                l.place(node);
                self.layouts.insert(file.to_owned(), l);
            }
            Some(_) => {
                for k in self.tree.children(node).to_vec() {
                    self.tree.set_origin(k, u32::MAX);
                }
                self.layouts.remove(file);
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

/// The layout of the text `print` is of, as read (or written) by the file lens `lens`
/// from (or of) the top-level nodes `kids` of `tree`, from where get or put says each
/// came from (`top`) and what it noted (`notes`); each of `kids` records which entry it
/// is (its origin). `None`, with no origin set, when there is no such layout.
fn layout_of_nodes(
    print: TextPrint,
    lens: &Lens,
    top: Option<Vec<TopEntry>>,
    notes: TopNotes,
    kids: &[NodeId],
    tree: &mut Tree,
) -> Option<Layout> {
    let top = top.filter(|t| t.len() == kids.len())?;
    let mut layout = Layout::start(print, lens, top, notes)?;
    // One pass: each node is read and marked while it is at hand (100k of them, apart).
    for (i, &k) in kids.iter().enumerate() {
        if layout.push_label(tree.label(k)).is_none() {
            for &k in kids {
                tree.set_origin(k, u32::MAX);
            }
            return None;
        }
        tree.set_origin(k, u32::try_from(i).unwrap_or(u32::MAX));
    }
    layout.complete()
}

/// Augeas appends a newline to a file that lacks one before parsing (and before put).
pub(crate) fn with_final_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
