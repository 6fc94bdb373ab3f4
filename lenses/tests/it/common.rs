//! Shared helpers: locating the testroot, picking the lens for a file, loading a file into
//! a tree under `/files/...`, and dumping it in `augtool print` format.

use aug_core::lens::Lens;
use aug_core::print::print_subtree;
use aug_core::{NodeId, Tree};
use std::path::{Path, PathBuf};

/// The repository root (the parent of the `lenses` crate).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The lens Augeas would use for `rel` (a path relative to the root, like `etc/hosts`).
pub fn lens_for(rel: &str) -> Option<Lens> {
    let m = if rel == "etc/hosts" {
        "Hosts"
    } else if rel == "etc/passwd" {
        "Passwd"
    } else if rel == "etc/crontab" || rel.starts_with("etc/cron.d/") {
        "Cron"
    } else if rel == "etc/logrotate.conf" || rel.starts_with("etc/logrotate.d/") {
        "Logrotate"
    } else {
        return None;
    };
    Some((aug_lenses::builtin_lens(m)?.lens)().unwrap())
}

/// Every file under `dir`, as paths relative to `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// What C Augeas hands to the lens for a file's bytes: it reads files as C strings, so
/// everything from a NUL byte on is ignored, and it adds a final newline when the text
/// lacks one. (That is the loader's job; emulated here until the loader does it.)
pub fn c_text(bytes: &[u8]) -> Vec<u8> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let mut v = bytes[..end].to_vec();
    if v.last().is_some_and(|&b| b != b'\n') {
        v.push(b'\n');
    }
    v
}

/// A tree holding `/files/<rel>` with the nodes `text` gives, and the file node.
pub fn load(
    lens: &Lens,
    rel: &str,
    text: &str,
) -> Result<(Tree, NodeId), aug_core::lens::GetError> {
    let parsed = lens.get(text)?;
    let mut t = Tree::new();
    let mut cur = t.root();
    cur = t.append_child(cur, Some("files"), None).unwrap();
    for step in rel.split('/') {
        cur = t.append_child(cur, Some(step), None).unwrap();
    }
    for (i, c) in parsed.children.into_iter().enumerate() {
        t.graft(cur, i, c);
    }
    Ok((t, cur))
}

/// `augtool print /files/<rel>` of the file node.
pub fn dump(t: &Tree, file: NodeId, rel: &str) -> String {
    let mut s = String::new();
    print_subtree(t, file, &format!("/files/{rel}"), &mut s);
    s
}
