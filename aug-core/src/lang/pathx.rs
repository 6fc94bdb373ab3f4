//! The tree edits of `put` tests (`set`, `clear`, `rm`, `insa`, `insb`), on the path
//! language of the handle ([`crate::ops`]) with the test's tree as the context: every
//! path starts at its root.

use crate::ops;
use crate::path::Vars;
use crate::tree::Tree;

/// `set PATH VALUE` (and `clear PATH` with `None`).
pub(crate) fn set(tree: &mut Tree, path: &str, value: Option<&str>) -> Result<(), String> {
    let root = tree.root();
    ops::set(tree, &Vars::new(), root, path, value)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// `rm PATH`: removes every node the path matches.
pub(crate) fn rm(tree: &mut Tree, path: &str) -> Result<(), String> {
    let root = tree.root();
    ops::rm(tree, &Vars::new(), root, path)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// `insa LABEL PATH` / `insb LABEL PATH`: a new sibling of the one node `path` matches.
pub(crate) fn insert(tree: &mut Tree, label: &str, path: &str, before: bool) -> Result<(), String> {
    let root = tree.root();
    if path.trim() == "/" {
        // The test tree is a forest under an implicit root: inserting next to `/` makes
        // a new top-level node, first (`insb`) or last (`insa`).
        let at = if before { 0 } else { usize::MAX };
        return tree
            .insert_child(root, at, Some(label), None)
            .map(drop)
            .ok_or_else(|| "insert failed".into());
    }
    ops::insert(tree, &Vars::new(), root, path, label, before)
        .map(drop)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Subtree;

    fn tree() -> Tree {
        let mut t = Tree::new();
        let r = t.root();
        let mut h = Subtree::new(Some("1"), None);
        h.children.push(Subtree::new(Some("ip"), Some("a")));
        h.children.push(Subtree::new(Some("alias"), Some("x")));
        h.children.push(Subtree::new(Some("alias"), Some("y")));
        t.graft(r, 0, h);
        let mut h = Subtree::new(Some("2"), None);
        h.children.push(Subtree::new(Some("ip"), Some("b")));
        t.graft(r, 1, h);
        t
    }

    /// The values of the nodes left after `rm PATH`'s complement: what `path` selects.
    #[track_caller]
    fn check_select(path: &str, values: &[&str]) {
        let t = tree();
        let got: Vec<String> = ops::matches(&t, &Vars::new(), t.root(), path)
            .unwrap()
            .into_iter()
            .map(|n| format!("{}={}", t.label(n).unwrap_or(""), t.value(n).unwrap_or("")))
            .collect();
        assert_eq!(got, values, "{path}");
    }

    #[test]
    fn selects() {
        check_select("/1/alias", &["alias=x", "alias=y"]);
        check_select("/1/alias[2]", &["alias=y"]);
        check_select("/1/alias[last()]", &["alias=y"]);
        check_select("/1/alias[last()+1]", &[]);
        check_select("/*/ip", &["ip=a", "ip=b"]);
        check_select("/*[ip = 'b']/ip", &["ip=b"]);
        check_select("/*[alias]/ip", &["ip=a"]);
        check_select("/1/alias[. = \"x\"]", &["alias=x"]);
        check_select("/1/alias[. != 'x']", &["alias=y"]);
        // Beyond the subset put tests had before: functions, axes, regexps.
        check_select("/1/alias[position() = 1]", &["alias=x"]);
        check_select("/1/ip/following-sibling::alias", &["alias=x", "alias=y"]);
        check_select("/1/*[. =~ regexp('[xy]')]", &["alias=x", "alias=y"]);
    }

    #[test]
    fn set_creates_and_rejects_ambiguity() {
        let mut t = tree();
        set(&mut t, "/2/alias[3]", Some("z")).unwrap();
        set(&mut t, "/3/new", Some("n")).unwrap();
        assert!(set(&mut t, "/1/alias", Some("q")).is_err());
        rm(&mut t, "/1/alias").unwrap();
        insert(&mut t, "before", "/2", true).unwrap();
        let labels: Vec<_> = t.children(t.root()).iter().map(|&c| t.label(c)).collect();
        assert_eq!(labels, [Some("1"), Some("before"), Some("2"), Some("3")]);
        insert(&mut t, "first", "/", true).unwrap();
        assert_eq!(t.label(t.children(t.root())[0]), Some("first"));
    }
}
