//! The `diff` command of augtool-rs (not in augtool): a unified diff, file by file, between
//! the files on disk and what `save` would write for them. It is registered on top of the
//! shared command table of `aug_core::srun`.

use aug_core::srun::{Args, Command, Failure, Group, Shell, cmd_error, optional, path};
use aug_core::{Augeas, NodeId, Tree};
use std::io::Write;

/// The commands augtool-rs adds to the shared table.
pub static EXTRA: &[Command] = &[Command {
    name: "diff",
    group: Group::Informational,
    args: &[optional(path("path", "only the file this node belongs to"))],
    synopsis: "show what save would change, as a unified diff",
    help: "Print a unified diff, file by file, between the files on disk and the\n\
text 'save' would write for them (aug-rs only; not in C augtool). With\n\
PATH, only the file that the node PATH belongs to is shown.",
    run: cmd_diff,
}];

fn cmd_diff(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    diff(s.aug, a.opt(0), out)
}

/// The unescaped labels from `/files` down to `node`, joined into a file path
/// (`/etc/hosts`).
fn file_path(tree: &Tree, files: NodeId, node: NodeId) -> Option<String> {
    let mut labels = Vec::new();
    let mut n = node;
    while n != files {
        labels.push(tree.label(n)?);
        n = tree.parent(n)?;
    }
    labels.reverse();
    Some(format!("/{}", labels.join("/")))
}

/// `diff`: for every changed file (or only the one `path` belongs to), a unified diff from
/// the text on disk to the text `save` would write. Files whose tree was removed show as
/// deleted.
pub fn diff(aug: &mut Augeas, path: Option<&str>, out: &mut dyn Write) -> Result<(), Failure> {
    let tree = aug.tree();
    let files = aug.files_node().unwrap_or_else(|| tree.root());
    // The file nodes to compare, with their file paths.
    let mut targets: Vec<(String, Option<NodeId>)> = Vec::new();
    match path {
        Some(p) => {
            let Some(src) = aug.source(p)? else {
                return Err(cmd_error(format!("Path {p} is not associated with a file")).into());
            };
            if let Some(&n) = aug.match_nodes(&src)?.first()
                && let Some(f) = file_path(tree, files, n)
            {
                targets.push((f, Some(n)));
            }
        }
        None => {
            for n in tree.descendants_or_self(files) {
                if tree.is_file(n) && tree.is_dirty(n) {
                    targets.extend(file_path(tree, files, n).map(|f| (f, Some(n))));
                }
            }
            // Files that were loaded but whose tree is gone: save deletes them (unless
            // they failed to load, and so never had a tree).
            for meta in aug.match_nodes("/augeas/files//path")? {
                let Some(p) = tree.value(meta) else { continue };
                let failed = tree
                    .parent(meta)
                    .is_some_and(|m| tree.child(m, "error").is_some());
                if failed {
                    continue;
                }
                if aug.count(&escape_path(p))? == 0 {
                    let file = p.strip_prefix("/files").unwrap_or(p).to_owned();
                    targets.push((file, None));
                }
            }
        }
    }
    for (file, node) in targets {
        // Read as load and save read it: confined to the root, regular files only.
        let old = aug.disk_text(&file)?.unwrap_or_default();
        let new = match node {
            None => String::new(),
            Some(n) => {
                let np = aug_core::print::node_path(aug.tree(), n).unwrap_or_default();
                aug.preview(&np)?.unwrap_or_default()
            }
        };
        let mut old_nl = old.clone();
        if !old_nl.is_empty() && !old_nl.ends_with('\n') {
            old_nl.push('\n');
        }
        if old_nl == new {
            continue;
        }
        let target = match node {
            Some(_) => format!("b{file}"),
            None => "/dev/null".to_owned(),
        };
        let text = similar::TextDiff::from_lines(&old, &new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a{file}"), &target)
            .to_string();
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

/// Escapes each step of a plain `/files/...` path for use as a path expression.
fn escape_path(p: &str) -> String {
    p.split('/')
        .map(Augeas::escape_name)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A handle on a temp root holding `/etc/kv/a` (`x = 1`, `y = 2`) read with a small
    /// `key = number` lens.
    fn kv_handle() -> (tempfile::TempDir, Augeas) {
        use aug_core::lens::{concat, del, key, rx, store, subtree};
        let entry = subtree(
            concat(vec![
                key(rx("[a-z]+").unwrap()),
                del(rx(" = ").unwrap(), " = "),
                store(rx("[0-9]+").unwrap()),
                del(rx("\n").unwrap(), "\n"),
            ])
            .unwrap(),
        );
        let module = aug_core::Module::new(
            "Kv",
            entry.star().unwrap(),
            vec!["/etc/kv/*".into()],
            vec![],
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc/kv")).unwrap();
        std::fs::write(dir.path().join("etc/kv/a"), "x = 1\ny = 2\n").unwrap();
        std::fs::write(dir.path().join("etc/kv/b"), "z = 3\n").unwrap();
        let aug = Augeas::open(Some(dir.path()), aug_core::Flags::NONE, vec![module]);
        (dir, aug)
    }

    #[track_caller]
    fn check_diff(edits: &[(&str, Option<&str>)], path: Option<&str>, expected: &str) {
        let (_dir, mut aug) = kv_handle();
        for (p, v) in edits {
            match v {
                Some(v) => aug.set(p, Some(v)).unwrap(),
                None => {
                    aug.rm(p).unwrap();
                }
            }
        }
        let mut out = Vec::new();
        let r = diff(&mut aug, path, &mut out);
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn diffs() {
        check_diff(&[], None, "");
        check_diff(
            &[("/files/etc/kv/a/x", Some("5"))],
            None,
            "--- a/etc/kv/a\n+++ b/etc/kv/a\n@@ -1,2 +1,2 @@\n-x = 1\n+x = 5\n y = 2\n",
        );
        check_diff(
            &[
                ("/files/etc/kv/a/x", Some("5")),
                ("/files/etc/kv/b/z", Some("4")),
            ],
            Some("/files/etc/kv/b/z"),
            "--- a/etc/kv/b\n+++ b/etc/kv/b\n@@ -1 +1 @@\n-z = 3\n+z = 4\n",
        );
        // A file that failed to load has no tree, but is not deleted by a save.
        check_diff(
            &[
                ("/augeas/files/etc/kv/b/error", Some("parse_failed")),
                ("/files/etc/kv/b", None),
            ],
            None,
            "",
        );
        check_diff(
            &[("/files/etc/kv/b", None)],
            None,
            "--- a/etc/kv/b\n+++ /dev/null\n@@ -1 +0,0 @@\n-z = 3\n",
        );
    }
}
