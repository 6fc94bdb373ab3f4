//! Output formats of augtool: error reports, the `errors` listing, `dump-xml` and `help`.

use super::commands::{COMMANDS, Command, Group};
use crate::{Augeas, Error, NodeId, Tree};
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
        match mark_at(e, details) {
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
    if let (crate::ErrorCode::PathX, Some(minor), Some(details)) = (e.code, &e.minor, &e.details) {
        crate::ops::record_path_error(aug.tree_mut(), minor, details);
    }
}

/// Where Augeas's `|=|` mark is in the details of `e`: found from the typed path error's
/// position when there is one (so a `|=|` inside the expression itself is not taken for
/// it), else the last mark in the text.
fn mark_at(e: &Error, details: &str) -> Option<usize> {
    if let Some(pe) = e.path_error() {
        let tail = pe.expr.get(pe.pos..)?;
        let at = details.len().checked_sub(tail.len() + 3)?;
        if details.get(at..at + 3) == Some("|=|") && details.ends_with(tail) {
            return Some(at);
        }
    }
    details.rfind("|=|")
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
        let path = crate::print::node_path(tree, n).unwrap_or_default();
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
    if let Err(e) = crate::PathExpr::parse_nodeset(pattern, aug.vars()) {
        writeln!(out)?;
        return Err(Failure::Aug(crate::OpError::from(e).into()));
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
    for (&n, path) in nodes.iter().zip(crate::print::node_paths(tree, &nodes)) {
        xml_node(tree, n, path.as_deref(), 1, &mut s);
    }
    s.push_str("</augeas>\n");
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// `help` without argument: the commands by group (those a front door adds, `extra`,
/// after the table's in their group).
pub fn help_all(extra: &[Command], out: &mut dyn Write) -> Result<(), Failure> {
    let mut s = String::from("\n");
    for g in Group::ALL {
        let _ = writeln!(s, "{} commands:", g.title());
        for c in COMMANDS.iter().chain(extra).filter(|c| c.group == g) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn caret_at_the_typed_position() {
        // The expression holds a `|=|` of its own, after the real error position.
        let dir = tempfile::tempdir().unwrap();
        let aug = Augeas::open(Some(dir.path()), crate::Flags::NO_LOAD, vec![]);
        let e = aug.match_nodes("/a[foo(] = '|=|'").unwrap_err();
        assert!(e.path_error().is_some(), "{e:?}");
        let out = render_error(&e);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.get(2), Some(&"/a[foo(] = '|=|'"), "{out}");
        assert_eq!(lines.get(3), Some(&"   ^"), "{out}");
    }

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

    #[test]
    fn xml_escapes() {
        assert_eq!(xml_escape("a<b&\"c\"", false), "a&lt;b&amp;\"c\"");
        assert_eq!(xml_escape("a<b&\"c\"", true), "a&lt;b&amp;&quot;c&quot;");
        assert_eq!(xml_escape("\u{c9}t\u{e9}", true), "&#xC9;t&#xE9;");
        assert_eq!(xml_escape("\u{c9}", false), "\u{c9}");
    }
}
