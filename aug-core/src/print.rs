//! The `augtool print` format: escaped node paths and quoted values, one node per line.

use crate::tree::{NodeId, Subtree, Tree};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Whether a byte ends a name in a path expression and therefore needs a backslash: one of
/// `][|/=()!,\` or whitespace (all ASCII, so a byte of a longer character never is).
fn name_special(b: u8) -> bool {
    matches!(
        b,
        b']' | b'[' | b'|' | b'/' | b'=' | b'(' | b')' | b'!' | b',' | b'\\'
    ) || b.is_ascii_whitespace()
}

/// Escapes a label for use as one step of a path (Augeas's `aug_escape_name`): puts a
/// backslash before each of `][|/=()!,\` and before whitespace.
pub fn escape_name(label: &str) -> String {
    // Most labels need nothing.
    if !label.bytes().any(name_special) {
        return label.to_owned();
    }
    let mut out = String::with_capacity(label.len() + 1);
    for c in label.chars() {
        if u8::try_from(c).is_ok_and(name_special) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Quotes a value the way `print` shows it: C escapes for control characters, `\"` and
/// `\\`, and octal `\ooo` for every other byte outside printable ASCII (so UTF-8 text
/// shows as octal bytes, exactly as C augtool prints it). Bytes of a file that is not
/// UTF-8 show as the bytes they are ([`crate::text`]).
pub fn quote_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for &b in crate::text::encode(value).iter() {
        match b {
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0b => out.push_str("\\v"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            b => {
                let _ = write!(out, "\\{b:03o}");
            }
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
        let same = tree.children_labelled(parent, label);
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

/// The escaped paths of many nodes at once, in time linear in the number of nodes, their
/// depth and the sizes of the sibling lists involved: each sibling list is scanned once
/// (comparing label numbers, not labels), however many of its nodes are asked for, and
/// steps are written only for the nodes on the paths asked for.
pub fn node_paths(tree: &Tree, nodes: &[NodeId]) -> Vec<Option<String>> {
    // Every node on a path asked for, with its parent, grouped by parent.
    let mut wanted: FxHashSet<NodeId> = FxHashSet::default();
    wanted.reserve(nodes.len());
    let mut pairs: Vec<(NodeId, NodeId)> = Vec::with_capacity(nodes.len());
    for &n in nodes {
        let mut cur = n;
        while let Some(parent) = tree.parent(cur) {
            if !wanted.insert(cur) {
                break;
            }
            pairs.push((parent, cur));
            cur = parent;
        }
    }
    // By parent only: a group's order does not matter.
    pairs.sort_unstable_by_key(|&(parent, _)| parent);
    // Their steps, one scan of each sibling list.
    let mut steps: FxHashMap<NodeId, String> = FxHashMap::default();
    steps.reserve(pairs.len());
    // Per label wanted under one parent: how many siblings carry it, and how many were
    // met so far.
    let mut counts: FxHashMap<u32, (usize, usize)> = FxHashMap::default();
    for group in pairs.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(parent, _)) = group.first() else {
            continue;
        };
        // A map grown by a big group is dropped rather than cleared: clearing costs its
        // capacity, for every later group.
        if counts.capacity() > 64 {
            counts = FxHashMap::default();
        } else {
            counts.clear();
        }
        for &(_, k) in group {
            if let Some(sym) = tree.label_sym(k) {
                counts.insert(sym, (0, 0));
            }
        }
        let siblings = tree.children(parent);
        for &c in siblings {
            if let Some(count) = tree.label_sym(c).and_then(|sym| counts.get_mut(&sym)) {
                count.0 += 1;
            }
        }
        for &c in siblings {
            let Some(sym) = tree.label_sym(c) else {
                continue;
            };
            let Some((total, seen)) = counts.get_mut(&sym) else {
                continue;
            };
            *seen += 1;
            if wanted.contains(&c)
                && let Some(label) = tree.label(c)
            {
                let mut s = escape_name(label);
                if *total > 1 {
                    let _ = write!(s, "[{seen}]");
                }
                steps.insert(c, s);
            }
        }
    }
    // The paths of the nodes above those asked for (results share their ancestors), made
    // once each; `None` for a hidden one.
    let mut above: FxHashMap<NodeId, Option<String>> = FxHashMap::default();
    let mut chain = Vec::new();
    nodes
        .iter()
        .map(|&n| {
            if !tree.contains(n) {
                return None;
            }
            let Some(parent) = tree.parent(n) else {
                return Some("/".to_owned());
            };
            // Up to the nearest ancestor whose path is known (the root's is empty).
            chain.clear();
            let mut cur = parent;
            let mut path = String::new();
            while let Some(up) = tree.parent(cur) {
                if let Some(known) = above.get(&cur) {
                    path = known.clone()?;
                    break;
                }
                chain.push(cur);
                cur = up;
            }
            // Down again, recording each ancestor's path (a hidden one ends them all).
            while let Some(a) = chain.pop() {
                let Some(step) = steps.get(&a) else {
                    above.insert(a, None);
                    for &below in chain.iter() {
                        above.insert(below, None);
                    }
                    return None;
                };
                path.push('/');
                path.push_str(step);
                above.insert(a, Some(path.clone()));
            }
            // A hidden node (no label) has no step.
            path.push('/');
            path.push_str(steps.get(&n)?);
            Some(path)
        })
        .collect()
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

/// An error in text given to [`parse_print`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
#[non_exhaustive]
pub struct PrintParseError {
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Splits an escaped path into steps of (label, position); the position is 1 when the step
/// has no `[N]` suffix.
fn parse_print_path(path: &str) -> Result<Vec<(String, usize)>, String> {
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| format!("path {path:?} does not start with /"))?;
    let mut steps = Vec::new();
    if rest.is_empty() {
        return Ok(steps);
    }
    let mut label = String::new();
    let mut index: Option<String> = None;
    let mut chars = rest.chars();
    let finish = |label: &mut String, index: &mut Option<String>, steps: &mut Vec<_>| {
        let n = match index.take() {
            None => 1,
            Some(i) => i
                .parse::<usize>()
                .map_err(|_| format!("bad position [{i}]"))?,
        };
        if label.is_empty() {
            return Err("empty step".to_owned());
        }
        steps.push((std::mem::take(label), n));
        Ok(())
    };
    while let Some(c) = chars.next() {
        match (c, index.as_mut()) {
            ('\\', None) => label.push(chars.next().ok_or("trailing backslash")?),
            ('/', _) => finish(&mut label, &mut index, &mut steps)?,
            ('[', None) => index = Some(String::new()),
            (']', Some(_)) => {}
            (c, Some(i)) => i.push(c),
            (c, None) => label.push(c),
        }
    }
    finish(&mut label, &mut index, &mut steps)?;
    Ok(steps)
}

/// Undoes [`quote_value`]: takes a quoted value with C escapes.
fn unquote_value(q: &str) -> Result<String, String> {
    let inner = q
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| format!("value {q:?} is not quoted"))?;
    // Octal escapes are bytes (of UTF-8 text), so decode into bytes first.
    let mut out: Vec<u8> = Vec::with_capacity(inner.len());
    let mut bytes = inner.bytes().peekable();
    while let Some(c) = bytes.next() {
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let e = bytes.next().ok_or("trailing backslash in value")?;
        match e {
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b't' => out.push(b'\t'),
            b'n' => out.push(b'\n'),
            b'v' => out.push(0x0b),
            b'f' => out.push(0x0c),
            b'r' => out.push(b'\r'),
            b'0'..=b'7' => {
                let mut n = u32::from(e - b'0');
                for _ in 0..2 {
                    match bytes.peek() {
                        Some(&d @ b'0'..=b'7') => {
                            n = n * 8 + u32::from(d - b'0');
                            bytes.next();
                        }
                        _ => break,
                    }
                }
                out.push(u8::try_from(n).map_err(|_| "bad octal escape")?);
            }
            e => out.push(e),
        }
    }
    String::from_utf8(out).map_err(|_| "value is not valid UTF-8".to_owned())
}

/// Reads text in `augtool print` format (as [`print_tree`] writes it) back into a tree.
/// Blank lines and lines starting with `#` followed by a space are ignored. Parents must
/// come before their children, and `[N]` positions must appear in order.
pub fn parse_print(text: &str) -> Result<Tree, PrintParseError> {
    let mut tree = Tree::new();
    // The children of each node by label, so that lookups stay linear overall.
    let mut by_label: HashMap<(NodeId, String), Vec<NodeId>> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let err = |message: String| PrintParseError {
            line: i + 1,
            message,
        };
        if line.trim().is_empty() || line.starts_with("# ") {
            continue;
        }
        // The path ends at the first unescaped space.
        let mut end = line.len();
        let mut escaped = false;
        for (j, c) in line.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == ' ' {
                end = j;
                break;
            }
        }
        let (path, rest) = line.split_at_checked(end).unwrap_or((line, ""));
        let value = match rest.strip_prefix(" = ") {
            Some(q) => Some(unquote_value(q).map_err(err)?),
            None if rest.is_empty() => None,
            None => return Err(err(format!("expected ` = \"value\"` after {path}"))),
        };
        let steps = parse_print_path(path).map_err(err)?;
        let mut cur = tree.root();
        for (label, n) in steps {
            let key = (cur, label);
            let have = by_label.get(&key).map_or(0, Vec::len);
            let next = if n <= have {
                by_label.get(&key).and_then(|v| v.get(n - 1)).copied()
            } else if n == have + 1 {
                let id = tree.graft(cur, usize::MAX, Subtree::new(Some(&key.1), None));
                if let Some(id) = id {
                    by_label.entry(key.clone()).or_default().push(id);
                }
                id
            } else {
                return Err(err(format!("{}[{n}] comes before [{}]", key.1, have + 1)));
            };
            cur = next.ok_or_else(|| err("internal error".to_owned()))?;
        }
        if let Some(v) = value {
            // The value was read, not edited: keep the tree clean.
            tree.set_value(cur, Some(&v));
            tree.clear_dirty(cur);
        }
    }
    tree.clear_dirty(tree.root());
    Ok(tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_names_and_values() {
        assert_eq!(escape_name("mail function"), "mail\\ function");
        assert_eq!(escape_name("a[1]/b"), "a\\[1\\]\\/b");
        assert_eq!(escape_name("user77"), "user77");
        assert_eq!(
            escape_name("h\u{e9}\u{85}t\u{10ffe9}"),
            "h\u{e9}\u{85}t\u{10ffe9}"
        );
        assert_eq!(escape_name("\u{e9} x"), "\u{e9}\\ x");
        assert_eq!(
            escape_name("a,b!(c)=d|e\\f\tg"),
            "a\\,b\\!\\(c\\)\\=d\\|e\\\\f\\\tg"
        );
        assert_eq!(quote_value("a\t\"b\"\\"), "\"a\\t\\\"b\\\"\\\\\"");
        assert_eq!(quote_value("\u{1}"), "\"\\001\"");
        assert_eq!(quote_value("é"), "\"\\303\\251\"");
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
        let all: Vec<NodeId> = t.descendants_or_self(r).collect();
        let batch = node_paths(&t, &all);
        let single: Vec<Option<String>> = all.iter().map(|&n| node_path(&t, n)).collect();
        assert_eq!(batch, single);
    }

    proptest::proptest! {
        /// The batch naming agrees with naming one node at a time, for any subset of the
        /// nodes (repeats, hidden nodes and their descendants included), and names no
        /// removed node.
        #[test]
        fn batch_paths_are_single_paths(
            shape in proptest::collection::vec((0usize..64, 0usize..5), 1..60),
            asked in proptest::collection::vec(0usize..64, 0..20),
            removed in proptest::option::of(0usize..64),
        ) {
            let mut t = Tree::new();
            let mut made = vec![t.root()];
            for (parent, label) in shape {
                let p = made[parent % made.len()];
                let label = ["a", "b", "c d", "a[1]"].get(label).copied();
                if let Some(n) = t.append_child(p, label, None) {
                    made.push(n);
                }
            }
            let mut nodes: Vec<NodeId> = asked.iter().map(|&i| made[i % made.len()]).collect();
            if let Some(r) = removed {
                let gone = made[r % made.len()];
                if gone != t.root() {
                    t.remove(gone);
                    nodes.push(gone);
                }
            }
            // A removed node has no path (`node_path` alone does not check).
            let single: Vec<Option<String>> = nodes
                .iter()
                .map(|&n| t.contains(n).then(|| node_path(&t, n)).flatten())
                .collect();
            proptest::prop_assert_eq!(node_paths(&t, &nodes), single);
        }
    }

    #[test]
    fn parse_print_round_trips() {
        let text = "/a\n/a/b\\ c\\[\\!\\] = \"x\\ty\\\"\\\\\\001\"\n/a/d[1] = \"1\"\n/a/d[2]\n/a/d[2]/e = \"\"\n/f = \"\\303\\251\"\n";
        let t = parse_print(text).unwrap();
        assert_eq!(print_tree(&t), text);
        let raw = parse_print("/f = \"é\"\n").unwrap();
        assert_eq!(print_tree(&raw), "/f = \"\\303\\251\"\n");
        assert!(!t.is_dirty(t.root()));
        assert!(parse_print("/a[2]\n").is_err());
        assert!(parse_print("a\n").is_err());
    }
}
