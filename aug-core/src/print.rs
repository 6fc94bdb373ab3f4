//! The `augtool print` format: escaped node paths and quoted values, one node per line.

use crate::tree::{NodeId, Tree};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Characters that end a name in a path expression and therefore need a backslash.
const NAME_SPECIAL: &[char] = &[']', '[', '|', '/', '=', '(', ')', '!', ',', '\\'];

/// Escapes a label for use as one step of a path (Augeas's `aug_escape_name`): puts a
/// backslash before each of `][|/=()!,\` and before whitespace.
pub fn escape_name(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        if NAME_SPECIAL.contains(&c) || c.is_ascii_whitespace() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Quotes a value the way `print` shows it: C escapes for control characters, `\"` and
/// `\\`, and octal `\ooo` for other non-printable bytes.
pub fn quote_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\{:03o}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The step that names `child` under its parent: the escaped label, with `[N]` added only
/// when siblings share the label. `counts` maps each label of the siblings to how many
/// siblings carry it, and `seen` how many were met so far (both maintained by the caller).
fn step(
    tree: &Tree,
    child: NodeId,
    counts: &HashMap<&str, usize>,
    seen: &mut HashMap<String, usize>,
) -> Option<String> {
    let label = tree.label(child)?;
    let mut s = escape_name(label);
    if counts.get(label).copied().unwrap_or(0) > 1 {
        let n = seen.entry(label.to_owned()).or_insert(0);
        *n += 1;
        let _ = write!(s, "[{n}]");
    }
    Some(s)
}

fn label_counts(tree: &Tree, parent: NodeId) -> HashMap<&str, usize> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for &c in tree.children(parent) {
        if let Some(l) = tree.label(c) {
            *counts.entry(l).or_insert(0) += 1;
        }
    }
    counts
}

/// The escaped path of `node`, e.g. `/files/etc/hosts/1/alias[2]`. The root is `/`.
/// Hidden nodes (no label) have no path.
pub fn node_path(tree: &Tree, node: NodeId) -> Option<String> {
    let mut steps = Vec::new();
    let mut cur = node;
    while let Some(parent) = tree.parent(cur) {
        let label = tree.label(cur)?;
        let mut s = escape_name(label);
        let same: Vec<NodeId> = tree
            .children(parent)
            .iter()
            .copied()
            .filter(|&c| tree.label(c) == Some(label))
            .collect();
        if same.len() > 1 {
            let pos = same.iter().position(|&c| c == cur).unwrap_or(0) + 1;
            let _ = write!(s, "[{pos}]");
        }
        steps.push(s);
        cur = parent;
    }
    if steps.is_empty() {
        return Some("/".to_owned());
    }
    let mut out = String::new();
    for s in steps.iter().rev() {
        out.push('/');
        out.push_str(s);
    }
    Some(out)
}

/// Prints the subtree at `node` (whose path is `path`) in `augtool print` format: one line
/// per node, `PATH` or `PATH = "value"`, depth-first. Hidden nodes and their subtrees are
/// skipped. Runs in time linear in the size of the subtree.
pub fn print_subtree(tree: &Tree, node: NodeId, path: &str, out: &mut String) {
    // Iterative, so deep trees do not exhaust the stack.
    let mut stack: Vec<(NodeId, String)> = vec![(node, path.to_owned())];
    while let Some((n, p)) = stack.pop() {
        if p.is_empty() && tree.parent(n).is_some() {
            continue;
        }
        if tree.parent(n).is_some() {
            out.push_str(&p);
            if let Some(v) = tree.value(n) {
                out.push_str(" = ");
                out.push_str(&quote_value(v));
            }
            out.push('\n');
        }
        let counts = label_counts(tree, n);
        let mut seen = HashMap::new();
        let base = if p == "/" { "" } else { p.as_str() };
        let mut kids = Vec::with_capacity(tree.children(n).len());
        for &c in tree.children(n) {
            if let Some(s) = step(tree, c, &counts, &mut seen) {
                kids.push((c, format!("{base}/{s}")));
            }
        }
        stack.extend(kids.into_iter().rev());
    }
}

/// The whole tree in `print` format.
pub fn print_tree(tree: &Tree) -> String {
    let mut out = String::new();
    print_subtree(tree, tree.root(), "/", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Subtree;

    #[test]
    fn escapes_names_and_values() {
        assert_eq!(escape_name("mail function"), "mail\\ function");
        assert_eq!(escape_name("a[1]/b"), "a\\[1\\]\\/b");
        assert_eq!(quote_value("a\t\"b\"\\"), "\"a\\t\\\"b\\\"\\\\\"");
        assert_eq!(quote_value("\u{1}"), "\"\\001\"");
    }

    #[test]
    fn prints_positions_only_for_shared_labels() {
        let mut t = Tree::new();
        let r = t.root();
        let mut h = Subtree::new(Some("1"), None);
        h.children
            .push(Subtree::new(Some("ipaddr"), Some("127.0.0.1")));
        h.children.push(Subtree::new(Some("alias"), Some("a")));
        h.children.push(Subtree::new(Some("alias"), Some("b")));
        h.children.push(Subtree::new(None, Some("hidden")));
        t.graft(r, 0, h);
        let out = print_tree(&t);
        assert_eq!(
            out,
            "/1\n/1/ipaddr = \"127.0.0.1\"\n/1/alias[1] = \"a\"\n/1/alias[2] = \"b\"\n"
        );
        let alias2 = t.children(t.children(r)[0])[2];
        assert_eq!(node_path(&t, alias2).as_deref(), Some("/1/alias[2]"));
    }
}
