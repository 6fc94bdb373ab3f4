//! Saving: writing every dirty file subtree back through its lens, atomically, deleting
//! files whose subtree was removed, and reporting under `/augeas/events/saved` and
//! `/augeas/files/<file>/error`.

use super::load::{Xfm, with_final_newline};
use super::{Augeas, Error, ErrorKind, meta_set};
use crate::error::ErrorCode;
use crate::fs::SaveMode;
use crate::lens::PutError;
use crate::lens::layout::TextPrint;
use crate::print::node_path;
use crate::tree::NodeId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write(SaveMode),
    Noop,
}

impl Augeas {
    fn save_mode(&self) -> Option<Mode> {
        let v = self.find_meta(&["save"]).and_then(|s| self.tree.value(s));
        match v {
            // No `/augeas/save` at all is as invalid as an unknown mode, as in Augeas.
            Some("overwrite") => Some(Mode::Write(SaveMode::Overwrite)),
            Some("backup") => Some(Mode::Write(SaveMode::Backup)),
            Some("newfile") => Some(Mode::Write(SaveMode::NewFile)),
            Some("noop") => Some(Mode::Noop),
            _ => None,
        }
    }

    /// Writes every changed file back. Returns an error if any file failed; the files that
    /// could be saved are saved, and each failure is described under
    /// `/augeas/files/<file>/error`. The error's [`ErrorKind::Save`] lists them.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// # std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
    /// use aug_core::{Augeas, ErrorKind, FileErrorKind, Flags};
    /// let mut aug = Augeas::builder()
    ///     .root(dir.path())
    ///     .flags(Flags::NO_STDINC)
    ///     .modules(aug_lenses::builtin_modules())
    ///     .open();
    /// // An entry without the ipaddr the lens needs cannot be written.
    /// aug.set("/files/etc/hosts/2/canonical", Some("lonely"))?;
    /// let e = aug.save().unwrap_err();
    /// let ErrorKind::Save(files) = e.kind() else { panic!("not a save error") };
    /// assert_eq!(files[0].file, "/etc/hosts");
    /// assert_eq!(files[0].kind, FileErrorKind::PutFailed);
    /// // The file on disk is as it was.
    /// assert_eq!(std::fs::read_to_string(dir.path().join("etc/hosts")).unwrap(), "127.0.0.1 localhost\n");
    /// # Ok::<(), aug_core::Error>(())
    /// ```
    pub fn save(&mut self) -> Result<(), Error> {
        match self.engine {
            Some(e) => crate::lens::with_engine(e, || self.save_files()),
            None => self.save_files(),
        }
    }

    fn save_files(&mut self) -> Result<(), Error> {
        // Like Augeas, save first makes `/augeas`, `/augeas/files`, `/files` and
        // `/augeas/load` anew where a user removed them.
        self.meta_node(&["files"]);
        self.files_mut();
        self.meta_node(&["load"]);
        let Some(mode) = self.save_mode() else {
            return Err(Error::new(
                ErrorCode::Internal,
                Some("invalid value of /augeas/save".to_owned()),
                None,
            ));
        };
        let copy = self.find_meta(&["save", "copy_if_rename_fails"]).is_some();
        if let Some(ev) = self.find_meta(&["events"]) {
            self.tree.remove(ev);
        }
        let xfms: Vec<Xfm> = self
            .transforms()
            .into_iter()
            .filter(|x| x.module.is_some())
            .collect();
        let mut failed = Vec::new();
        // Files present in the tree, in tree order (as Augeas walks `/files`, so that
        // `/augeas/events/saved` lists them in that order).
        let mut candidates: Vec<(String, NodeId)> = Vec::new();
        let files = self.files_mut();
        let mut stack: Vec<(NodeId, String)> = self
            .tree
            .children(files)
            .iter()
            .rev()
            .filter_map(|&c| Some((c, format!("/{}", self.tree.label(c)?))))
            .collect();
        while let Some((c, path)) = stack.pop() {
            if self.tree.is_file(c) || xfms.iter().any(|x| x.applies(&path)) {
                candidates.push((path, c));
                continue;
            }
            for &k in self.tree.children(c).iter().rev() {
                if let Some(l) = self.tree.label(k) {
                    stack.push((k, format!("{path}/{l}")));
                }
            }
        }
        // Two nodes that name the same file (`/files/etc/hosts` and `/files/etc[2]/hosts`,
        // or `hosts[2]` after an `ins`): save cannot tell which one is the file, so it
        // writes neither and says so.
        let mut twins: std::collections::HashMap<&str, Vec<NodeId>> =
            std::collections::HashMap::new();
        for (path, node) in &candidates {
            twins.entry(path.as_str()).or_default().push(*node);
        }
        let ambiguous: Vec<(String, Vec<NodeId>)> = twins
            .into_iter()
            .filter(|(_, nodes)| nodes.len() > 1)
            .map(|(path, nodes)| (path.to_owned(), nodes))
            .collect();
        for (path, nodes) in &ambiguous {
            if !nodes.iter().any(|&n| self.tree.is_dirty(n)) {
                continue;
            }
            if xfms.iter().any(|x| x.applies(path)) {
                self.refuse_ambiguous(path, nodes);
                failed.push(path.clone());
            }
        }
        // Every file not written now keeps the records of what changed in its tree since
        // its text was read or written: a file whose last save failed is not dirty any
        // more (below), but its next save must still write those changes, not copy the
        // text they replaced.
        let mut unsaved: Vec<NodeId> = Vec::with_capacity(candidates.len());
        for (path, node) in candidates {
            if !self.tree.is_dirty(node) || ambiguous.iter().any(|(p, _)| *p == path) {
                unsaved.push(node);
                continue;
            }
            let Some(x) = xfms.iter().find(|x| x.applies(&path)) else {
                unsaved.push(node);
                continue;
            };
            if self.save_file(&path, node, x, mode, copy).is_err() {
                failed.push(path);
                unsaved.push(node);
            }
        }
        // Files whose whole subtree was removed.
        for file in self.known_files() {
            if self.file_node(&file, false).is_some() {
                continue;
            }
            let meta = self.file_meta(&file);
            if let Some(error) = self.tree.child(meta, "error") {
                // A file whose last save failed is not deleted. Augeas then trips over the
                // `path` of that save error and fails the save; the file stays either way.
                let saved_before = self.tree.child(error, "path").is_some();
                let exists = self.disk().is_file(&file);
                if saved_before && exists && xfms.iter().any(|x| x.applies(&file)) {
                    failed.push(file);
                }
                continue;
            }
            if !xfms.iter().any(|x| x.applies(&file)) {
                continue;
            }
            if self.delete_file(&file, mode).is_err() {
                failed.push(file);
            }
        }
        // Like Augeas, every save but a `noop` one leaves the tree clean, failed files
        // included: they are tried again only once they change again.
        if mode != Mode::Noop {
            let root = self.tree.root();
            self.tree.clear_dirty_keeping(root, &unsaved);
        }
        if failed.is_empty() {
            Ok(())
        } else {
            // Each file with why it failed (`/etc/hosts: put_failed: Can not store a
            // nonexistent (NULL) value`), so that callers see the reason at once.
            let reasons: Vec<String> = failed.iter().map(|f| self.save_failure(f)).collect();
            let files = failed.iter().filter_map(|f| self.file_error(f)).collect();
            Err(Error::new(
                ErrorCode::Internal,
                Some("saving failed (run 'errors' for details)".to_owned()),
                Some(reasons.join("; ")),
            )
            .with_kind(ErrorKind::Save(files)))
        }
    }

    /// `file`, why its save failed and the message, from `/augeas/files/<file>/error`.
    fn save_failure(&self, file: &str) -> String {
        match self.file_error(file) {
            Some(e) => e.to_string(),
            None => file.to_owned(),
        }
    }

    /// Records why `file` is not saved: several nodes describe it.
    fn refuse_ambiguous(&mut self, file: &str, nodes: &[NodeId]) {
        let paths: Vec<String> = nodes
            .iter()
            .filter_map(|&n| node_path(&self.tree, n))
            .collect();
        let message = format!(
            "{} nodes describe the file {file}: {}; remove or rename all but one of them",
            nodes.len(),
            paths.join(", ")
        );
        let meta = self.file_meta(file);
        self.record_error(
            meta,
            "multiple_nodes",
            &[("path", &format!("/files{file}")), ("message", &message)],
        );
    }

    fn add_event(&mut self, file: &str) {
        let ev = self.meta_node(&["events"]);
        self.tree
            .append_child(ev, Some("saved"), Some(&format!("/files{file}")));
    }

    /// Deletes a file whose whole tree was removed (backup mode: renames it to
    /// `.augsave`). A file that is already gone is no event, as in Augeas.
    fn delete_file(&mut self, file: &str, mode: Mode) -> Result<(), ()> {
        match mode {
            Mode::Noop => {
                if !self.disk().is_file(file) {
                    return Ok(());
                }
            }
            Mode::Write(m) => match self.disk().remove(file, m == SaveMode::Backup) {
                Ok(true) => self.drop_file(file),
                Ok(false) => return Ok(()),
                Err(f) => {
                    let meta = self.file_meta(file);
                    self.record_error(meta, f.kind, &[("message", &crate::fs::message(&f.error))]);
                    return Err(());
                }
            },
        }
        self.add_event(file);
        Ok(())
    }

    fn save_file(
        &mut self,
        file: &str,
        node: NodeId,
        x: &Xfm,
        mode: Mode,
        copy: bool,
    ) -> Result<(), ()> {
        let meta = self.file_meta(file);
        if let Some(e) = self.tree.child(meta, "error") {
            self.tree.remove(e);
        }
        let Some(lens) = x.lens() else {
            return Err(());
        };
        let disk = self.disk();
        // A path that leads outside the root, or through something that is not a
        // directory, is refused before anything is read.
        if let Err(e) = disk.locate(file)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            self.record_error(
                meta,
                "canon_augorig",
                &[("message", &crate::fs::message(&e))],
            );
            return Err(());
        }
        let original = match disk.read_text(file) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                self.record_error(meta, "put_read", &[("message", &crate::fs::message(&e))]);
                return Err(());
            }
        };
        // The original as put reads it, without a copy: `base` is the original, plus a
        // final newline when it lacked one (`original_len` tells the two apart).
        let original_len = original.as_ref().map(String::len);
        let base = with_final_newline(original.unwrap_or_default());
        let put = lens.put_file(&self.tree, node, &base, self.layouts.get(file));
        let (text, top, notes) = match put {
            Ok(t) => t,
            // The original does not parse: where, as a load records it (C's
            // `parse_skel_failed` has the get error's position, lens and message).
            Err(PutError::Skeleton(e)) => {
                self.record_get_error(meta, "parse_skel_failed", &e);
                return Err(());
            }
            Err(PutError::Tree {
                path,
                lens,
                message,
            }) => {
                self.record_error(
                    meta,
                    "put_failed",
                    &[("path", &path), ("lens", &lens), ("message", &message)],
                );
                return Err(());
            }
        };
        let unchanged =
            original_len.is_some_and(|n| text.len() == n && base.get(..n) == Some(&text));
        if unchanged {
            if mode != Mode::Noop {
                self.tree.clear_dirty(node);
            }
            self.record_layout(file, node, TextPrint::of(&text), &lens, top, notes);
            return Ok(());
        }
        match mode {
            Mode::Noop => {}
            Mode::Write(m) => {
                if let Err(f) = disk.write_atomic(file, &text, m, copy) {
                    self.record_error(meta, f.kind, &[("message", &crate::fs::message(&f.error))]);
                    return Err(());
                }
                let mtime = if m == SaveMode::NewFile {
                    0
                } else {
                    disk.mtime(file).unwrap_or(0)
                };
                meta_set(&mut self.tree, meta, "mtime", &mtime.to_string());
                meta_set(&mut self.tree, meta, "path", &format!("/files{file}"));
                self.tree.set_file(node, true);
                self.tree.clear_dirty(node);
                if m == SaveMode::NewFile {
                    // The original stays as it was, but the tree now counts as saved.
                    self.layouts.remove(file);
                } else {
                    self.record_layout(file, node, TextPrint::of(&text), &lens, top, notes);
                }
            }
        }
        self.add_event(file);
        Ok(())
    }
}
