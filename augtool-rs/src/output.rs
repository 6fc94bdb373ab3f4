//! Output formats of augtool: error reports, the `errors` listing, `dump-xml`, `help`,
//! and the unified diff of the `diff` command.

use crate::commands::{COMMANDS, Command, Group};
use aug_core::{Augeas, Error, NodeId, Tree};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Why a command failed: an Augeas error (reported, the session goes on) or an output
/// error (which ends the program).
#[derive(Debug)]
pub enum Failure {
    /// An error to report as `error: ...` lines.
    Aug(Error),
    /// Writing the output failed.
    Io(io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Aug(e)
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

/// Renders an error as augtool reports it: `error: MESSAGE`, then `error: MINOR` if there
/// is one, then the details. Where the details mark a position in a path expression
/// (Augeas's `|=|`), the expression is shown without the mark and a line with a `^` under
/// that column follows the line the position is on.
pub fn render_error(e: &Error) -> String {
    let mut s = format!("error: {}\n", e.message());
    if let Some(minor) = &e.minor {
        let _ = writeln!(s, "error: {minor}");
    }
    if let Some(details) = &e.details {
        match details.rfind("|=|") {
            Some(at) if e.minor.is_some() => {
                let before = details.get(..at).unwrap_or_default();
                let after = details.get(at + 3..).unwrap_or_default();
                let col = before.rsplit('\n').next().unwrap_or(before).chars().count();
                let (rest_of_line, next_lines) = match after.split_once('\n') {
                    Some((l, n)) => (l, Some(n)),
                    None => (after, None),
                };
                let _ = writeln!(s, "{before}{rest_of_line}\n{:col$}^", "");
                if let Some(n) = next_lines {
                    let _ = writeln!(s, "{n}");
                }
            }
            _ => {
                let _ = writeln!(s, "{details}");
            }
        }
    }
    s
}

/// Records a path expression error under `/augeas/error`, as Augeas does for every call
/// whose path expression is invalid or fails.
pub fn record_error(aug: &mut Augeas, e: &Error) {
    if let (aug_core::ErrorCode::PathX, Some(minor), Some(details)) = (e.code, &e.minor, &e.details)
    {
        aug_core::ops::record_path_error(aug.tree_mut(), minor, details);
    }
}

/// Reads the child `sub` (a relative label path) of `node`.
fn child_value<'t>(tree: &'t Tree, node: NodeId, sub: &[&str]) -> Option<&'t str> {
    let mut n = node;
    for l in sub {
        n = tree.child(n, l)?;
    }
    tree.value(n)
}

/// The `errors` listing: every `/augeas//error` node, rendered like augtool.
pub fn errors(aug: &Augeas, out: &mut dyn Write) -> Result<(), Failure> {
    let nodes = aug.match_nodes("/augeas//error")?;
    if nodes.is_empty() {
        writeln!(out, "  (no errors)")?;
        return Ok(());
    }
    let tree = aug.tree();
    for (i, &n) in nodes.iter().enumerate() {
        let path = aug_core::print::node_path(tree, n).unwrap_or_default();
        // Like augtool, drop as many characters as `/augeas/files` has (so an error under
        // `/augeas/load/NAME` shows as `NAME`) and the final `/error`.
        let file = path.get("/augeas/files".len()..).unwrap_or(&path);
        let file = file.strip_suffix("/error").unwrap_or(file);
        let kind = tree.value(n).unwrap_or("(null)");
        if i > 0 {
            writeln!(out)?;
        }
        let line = child_value(tree, n, &["line"]);
        let node_path = child_value(tree, n, &["path"]);
        match (line, node_path) {
            (Some(line), _) => {
                let ch = child_value(tree, n, &["char"]).unwrap_or("(null)");
                writeln!(out, "Error in {file}:{line}.{ch} ({kind})")?;
            }
            (None, Some(p)) => writeln!(out, "Error in {file} at node {p} ({kind})")?,
            (None, None) => writeln!(out, "Error in {file} ({kind})")?,
        }
        if let Some(m) = child_value(tree, n, &["message"]) {
            writeln!(out, "  {m}")?;
        }
        if let Some(l) = child_value(tree, n, &["lens"]) {
            writeln!(out, "  Lens: {l}")?;
        }
        if let Some(l) = child_value(tree, n, &["lens", "last_matched"]) {
            writeln!(out, "    Last matched: {l}")?;
        }
        if let Some(l) = child_value(tree, n, &["lens", "next_not_matched"]) {
            writeln!(out, "    Next (no match): {l}")?;
        }
    }
    Ok(())
}

/// Escapes text for XML: `&`, `<`, `>`, plus `"`, whitespace controls and non-ASCII
/// characters in attributes (as libxml2 serializes them without an encoding).
fn xml_escape(text: &str, attribute: bool) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '\r' => s.push_str("&#13;"),
            '"' if attribute => s.push_str("&quot;"),
            '\n' if attribute => s.push_str("&#10;"),
            '\t' if attribute => s.push_str("&#9;"),
            c if attribute && !c.is_ascii() => {
                let _ = write!(s, "&#x{:X};", u32::from(c));
            }
            c => s.push(c),
        }
    }
    s
}

fn xml_node(tree: &Tree, n: NodeId, path: Option<&str>, depth: usize, s: &mut String) {
    let Some(label) = tree.label(n) else { return };
    let indent = "  ".repeat(depth);
    let _ = write!(s, "{indent}<node label=\"{}\"", xml_escape(label, true));
    if let Some(p) = path {
        let _ = write!(s, " path=\"{}\"", xml_escape(p, true));
    }
    let kids: Vec<NodeId> = tree
        .children(n)
        .iter()
        .copied()
        .filter(|&c| tree.label(c).is_some())
        .collect();
    let value = tree.value(n);
    if value.is_none() && kids.is_empty() {
        s.push_str("/>\n");
        return;
    }
    s.push_str(">\n");
    if let Some(v) = value {
        let _ = writeln!(s, "{indent}  <value>{}</value>", xml_escape(v, false));
    }
    for c in kids {
        xml_node(tree, c, None, depth + 1, s);
    }
    let _ = writeln!(s, "{indent}</node>");
}

/// `dump-xml`: the matched nodes as `<augeas match="PATH">` with nested `<node>`s (hidden
/// nodes left out). When the expression parses but fails to evaluate, Augeas prints the
/// empty `<augeas>` element before reporting the error; when it does not parse, an empty
/// line.
pub fn dump_xml(aug: &Augeas, pattern: &str, out: &mut dyn Write) -> Result<(), Failure> {
    // `aug_to_xml` reads a lone `/` as `/*`.
    let pattern = if pattern.is_empty() || pattern == "/" {
        "/*"
    } else {
        pattern
    };
    let tree = aug.tree();
    if let Err(e) = aug_core::PathExpr::parse_nodeset(pattern, aug.vars()) {
        writeln!(out)?;
        return Err(Failure::Aug(aug_core::OpError::from(e).into()));
    }
    let m = xml_escape(pattern, true);
    let nodes = match aug.match_nodes(pattern) {
        Ok(n) => n,
        Err(e) => {
            writeln!(out, "<augeas match=\"{m}\"/>")?;
            return Err(Failure::Aug(e));
        }
    };
    if nodes.is_empty() {
        writeln!(out, "<augeas match=\"{m}\"/>")?;
        return Ok(());
    }
    let mut s = format!("<augeas match=\"{m}\">\n");
    for &n in &nodes {
        let path = aug_core::print::node_path(tree, n);
        xml_node(tree, n, path.as_deref(), 1, &mut s);
    }
    s.push_str("</augeas>\n");
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// `help` without argument: the commands by group.
pub fn help_all(out: &mut dyn Write) -> Result<(), Failure> {
    let mut s = String::from("\n");
    for g in Group::ALL {
        let _ = writeln!(s, "{} commands:", g.title());
        for c in COMMANDS.iter().filter(|c| c.group == g) {
            let _ = writeln!(s, "  {:<10} - {}", c.name, c.synopsis);
        }
        s.push('\n');
    }
    s.push_str("Type 'help <command>' for more information on a command\n\n");
    out.write_all(s.as_bytes())?;
    Ok(())
}

fn arg_name(name: &str) -> String {
    format!("<{}>", name.to_uppercase())
}

/// `help CMD`: COMMAND, SYNOPSIS, DESCRIPTION and OPTIONS sections.
pub fn help_command(cmd: &Command, out: &mut dyn Write) -> Result<(), Failure> {
    let mut s = String::new();
    let _ = writeln!(s, "  COMMAND\n    {} - {}\n", cmd.name, cmd.synopsis);
    let _ = write!(s, "  SYNOPSIS\n    {}", cmd.name);
    for a in cmd.args {
        if a.optional {
            let _ = write!(s, " [{}]", arg_name(a.name));
        } else {
            let _ = write!(s, " {}", arg_name(a.name));
        }
    }
    s.push_str("\n\n  DESCRIPTION\n");
    for line in cmd.help.split('\n') {
        if line.is_empty() {
            s.push('\n');
        } else {
            let _ = writeln!(s, "    {line}");
        }
    }
    s.push('\n');
    if !cmd.args.is_empty() {
        s.push_str("  OPTIONS\n");
        for a in cmd.args {
            let _ = writeln!(s, "     {:<9} {}", arg_name(a.name), a.help);
        }
    }
    s.push('\n');
    out.write_all(s.as_bytes())?;
    Ok(())
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
                return Err(crate::commands::cmd_error(format!(
                    "Path {p} is not associated with a file"
                ))
                .into());
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
    use aug_core::ErrorCode;

    #[test]
    fn error_with_caret() {
        let e = Error::new(
            ErrorCode::PathX,
            Some("empty name".into()),
            Some("/a[|=|foo(]".into()),
        );
        assert_eq!(
            render_error(&e),
            "error: Invalid path expression\nerror: empty name\n/a[foo(]\n   ^\n"
        );
        // In an expression of several lines, the caret follows the line it points into.
        let e = Error::new(
            ErrorCode::PathX,
            Some("illegal number".into()),
            Some("/a['x\ny' = |=|99999999999]\n".into()),
        );
        assert_eq!(
            render_error(&e),
            "error: Invalid path expression\nerror: illegal number\n/a['x\n\
             y' = 99999999999]\n     ^\n\n"
        );
    }

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

    #[test]
    fn xml_escapes() {
        assert_eq!(xml_escape("a<b&\"c\"", false), "a&lt;b&amp;\"c\"");
        assert_eq!(xml_escape("a<b&\"c\"", true), "a&lt;b&amp;&quot;c&quot;");
        assert_eq!(xml_escape("\u{c9}t\u{e9}", true), "&#xC9;t&#xE9;");
        assert_eq!(xml_escape("\u{c9}", false), "\u{c9}");
    }
}
