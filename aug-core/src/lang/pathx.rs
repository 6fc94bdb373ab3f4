//! A minimal, private subset of Augeas's path language for the tree edits of `put`
//! tests (`set`, `clear`, `rm`, `insa`, `insb`): steps by name, `*`, `.`, `..`, and the
//! predicates `[n]`, `[last()]`, `[last()+1]`, `[. = 'v']`, `[child]`, `[a/b = 'v']`.
//!
//! FIXME: replace with the full path engine (aug-core/src/path) once it is merged.

use crate::tree::{NodeId, Tree};

#[derive(Debug, Clone, PartialEq)]
enum Test {
    Name(String),
    Any,
    SelfNode,
    Parent,
}

#[derive(Debug, Clone, PartialEq)]
struct Step {
    test: Test,
    preds: Vec<Pred>,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Num(i64),
    Last(i64),
    Str(String),
    Path(Vec<Step>),
}

#[derive(Debug, Clone, PartialEq)]
enum Pred {
    Is(Operand),
    Eq(Operand, Operand, bool),
}

/// Parses `path` into steps; the leading `/` is optional (every path starts at the root).
fn parse(path: &str) -> Result<Vec<Step>, String> {
    let mut p = P {
        s: path.as_bytes(),
        i: 0,
    };
    p.ws();
    if p.peek() == Some(b'/') {
        p.i += 1;
        p.ws();
        if p.i == p.s.len() {
            return Ok(Vec::new());
        }
    }
    let steps = p.steps(true)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(format!("path '{path}': unexpected text at {}", p.i + 1));
    }
    Ok(steps)
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn steps(&mut self, top: bool) -> Result<Vec<Step>, String> {
        let mut steps = vec![self.step(top)?];
        while self.peek() == Some(b'/') {
            self.i += 1;
            steps.push(self.step(top)?);
        }
        Ok(steps)
    }

    fn step(&mut self, top: bool) -> Result<Step, String> {
        self.ws();
        let test = if self.peek() == Some(b'*') {
            self.i += 1;
            Test::Any
        } else {
            let name = self.name(top);
            match name.as_str() {
                "" => return Err("path: expected a name".into()),
                "." => Test::SelfNode,
                ".." => Test::Parent,
                _ => Test::Name(name),
            }
        };
        let mut preds = Vec::new();
        self.ws();
        while self.peek() == Some(b'[') {
            self.i += 1;
            preds.push(self.pred()?);
            self.ws();
            if self.peek() != Some(b']') {
                return Err("path: expected ']'".into());
            }
            self.i += 1;
            self.ws();
        }
        Ok(Step { test, preds })
    }

    /// A name: `\x` escapes any character; spaces are allowed inside top-level names.
    fn name(&mut self, top: bool) -> String {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'\\'
                && let Some(n) = self.s.get(self.i + 1)
            {
                out.push(*n);
                self.i += 2;
                continue;
            }
            if b"/[]=!()|,".contains(&c) || (!top && c.is_ascii_whitespace()) {
                break;
            }
            out.push(c);
            self.i += 1;
        }
        while out.last().is_some_and(|c| c.is_ascii_whitespace()) {
            out.pop();
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn pred(&mut self) -> Result<Pred, String> {
        let a = self.operand()?;
        self.ws();
        let neg = match (self.peek(), self.s.get(self.i + 1)) {
            (Some(b'='), _) => {
                self.i += 1;
                false
            }
            (Some(b'!'), Some(b'=')) => {
                self.i += 2;
                true
            }
            _ => return Ok(Pred::Is(a)),
        };
        let b = self.operand()?;
        Ok(Pred::Eq(a, b, neg))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.ws();
        match self.peek() {
            Some(q @ (b'\'' | b'"')) => {
                self.i += 1;
                let start = self.i;
                while self.peek().is_some_and(|c| c != q) {
                    self.i += 1;
                }
                let s = String::from_utf8_lossy(self.s.get(start..self.i).unwrap_or_default())
                    .into_owned();
                if self.peek() != Some(q) {
                    return Err("path: unterminated string".into());
                }
                self.i += 1;
                Ok(Operand::Str(s))
            }
            Some(b'0'..=b'9') => Ok(Operand::Num(self.number())),
            _ if self
                .s
                .get(self.i..)
                .is_some_and(|r| r.starts_with(b"last()")) =>
            {
                self.i += 6;
                self.ws();
                let sign = match self.peek() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Ok(Operand::Last(0)),
                };
                self.i += 1;
                self.ws();
                Ok(Operand::Last(sign * self.number()))
            }
            _ => Ok(Operand::Path(self.steps(false)?)),
        }
    }

    fn number(&mut self) -> i64 {
        let mut n: i64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n.saturating_mul(10).saturating_add(i64::from(c - b'0'));
            self.i += 1;
        }
        n
    }
}

/// The nodes `steps` select from `ctx`.
fn select(tree: &Tree, ctx: &[NodeId], steps: &[Step]) -> Vec<NodeId> {
    let mut cur = ctx.to_vec();
    for s in steps {
        let mut next = Vec::new();
        for &n in &cur {
            let cands: Vec<NodeId> = match &s.test {
                Test::SelfNode => vec![n],
                Test::Parent => tree.parent(n).into_iter().collect(),
                Test::Any => tree
                    .children(n)
                    .iter()
                    .copied()
                    .filter(|&c| tree.label(c).is_some())
                    .collect(),
                Test::Name(name) => tree
                    .children(n)
                    .iter()
                    .copied()
                    .filter(|&c| tree.label(c) == Some(name.as_str()))
                    .collect(),
            };
            let mut cands = cands;
            for p in &s.preds {
                let size = cands.len();
                cands = cands
                    .iter()
                    .enumerate()
                    .filter(|&(i, &c)| holds(tree, c, i + 1, size, p))
                    .map(|(_, &c)| c)
                    .collect();
            }
            for c in cands {
                if !next.contains(&c) {
                    next.push(c);
                }
            }
        }
        cur = next;
    }
    cur
}

enum Val {
    Num(i64),
    Str(String),
    Nodes(Vec<NodeId>),
}

fn operand(tree: &Tree, n: NodeId, size: usize, o: &Operand) -> Val {
    match o {
        Operand::Num(k) => Val::Num(*k),
        Operand::Last(d) => Val::Num(i64::try_from(size).unwrap_or(i64::MAX) + d),
        Operand::Str(s) => Val::Str(s.clone()),
        Operand::Path(steps) => Val::Nodes(select(tree, &[n], steps)),
    }
}

fn holds(tree: &Tree, n: NodeId, pos: usize, size: usize, p: &Pred) -> bool {
    let pos = i64::try_from(pos).unwrap_or(i64::MAX);
    match p {
        Pred::Is(o) => match operand(tree, n, size, o) {
            Val::Num(k) => k == pos,
            Val::Str(s) => !s.is_empty(),
            Val::Nodes(v) => !v.is_empty(),
        },
        Pred::Eq(a, b, neg) => {
            let (a, b) = (operand(tree, n, size, a), operand(tree, n, size, b));
            let values = |v: &Val| -> Vec<Option<String>> {
                match v {
                    Val::Num(k) => vec![Some(k.to_string())],
                    Val::Str(s) => vec![Some(s.clone())],
                    Val::Nodes(ns) => ns
                        .iter()
                        .map(|&x| tree.value(x).map(str::to_owned))
                        .collect(),
                }
            };
            let (va, vb) = (values(&a), values(&b));
            va.iter().any(|x| {
                vb.iter()
                    .any(|y| x.is_some() && y.is_some() && (x == y) != *neg)
            })
        }
    }
}

/// The single node `path` names, created (with its missing ancestors) if absent.
fn expand(tree: &mut Tree, path: &str) -> Result<NodeId, String> {
    let steps = parse(path)?;
    let mut ctx = vec![tree.root()];
    for (i, s) in steps.iter().enumerate() {
        let next = select(tree, &ctx, std::slice::from_ref(s));
        if next.is_empty() {
            let [mut parent] = ctx[..] else {
                return Err(format!("path '{path}' matches more than one node"));
            };
            for s in steps.iter().skip(i) {
                let Test::Name(name) = &s.test else {
                    return Err(format!("path '{path}': cannot create a node for this step"));
                };
                parent = tree
                    .append_child(parent, Some(name), None)
                    .ok_or_else(|| format!("path '{path}': cannot create a node"))?;
            }
            return Ok(parent);
        }
        ctx = next;
    }
    match ctx[..] {
        [n] => Ok(n),
        _ => Err(format!("path '{path}' matches more than one node")),
    }
}

/// `set PATH VALUE` (and `clear PATH` with `None`).
pub(crate) fn set(tree: &mut Tree, path: &str, value: Option<&str>) -> Result<(), String> {
    let n = expand(tree, path)?;
    tree.set_value(n, value);
    Ok(())
}

/// `rm PATH`: removes every node the path matches.
pub(crate) fn rm(tree: &mut Tree, path: &str) -> Result<(), String> {
    let steps = parse(path)?;
    let root = tree.root();
    for n in select(tree, &[root], &steps) {
        if n != root && tree.contains(n) {
            tree.remove(n);
        }
    }
    Ok(())
}

/// `insa LABEL PATH` / `insb LABEL PATH`: a new sibling of the one node `path` matches.
pub(crate) fn insert(tree: &mut Tree, label: &str, path: &str, before: bool) -> Result<(), String> {
    let steps = parse(path)?;
    let root = tree.root();
    let found = select(tree, &[root], &steps);
    let [n] = found[..] else {
        return Err(format!(
            "path '{path}' matches {} nodes, not exactly one",
            found.len()
        ));
    };
    if n == root {
        // The test tree is a forest under an implicit root: inserting next to `/` makes
        // a new top-level node, first (`insb`) or last (`insa`).
        let at = if before { 0 } else { usize::MAX };
        return tree
            .insert_child(root, at, Some(label), None)
            .map(|_| ())
            .ok_or_else(|| "insert failed".into());
    }
    tree.insert_sibling(n, Some(label), before)
        .map(|_| ())
        .ok_or_else(|| "insert failed".into())
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

    #[track_caller]
    fn check_select(path: &str, values: &[&str]) {
        let t = tree();
        let steps = parse(path).unwrap();
        let got: Vec<String> = select(&t, &[t.root()], &steps)
            .into_iter()
            .map(|n| format!("{}={}", t.label(n).unwrap_or(""), t.value(n).unwrap_or("")))
            .collect();
        assert_eq!(got, values, "{path}");
    }

    #[test]
    fn selects() {
        check_select("/1/alias", &["alias=x", "alias=y"]);
        check_select("1/alias[2]", &["alias=y"]);
        check_select("/1/alias[last()]", &["alias=y"]);
        check_select("/1/alias[last()+1]", &[]);
        check_select("/*/ip", &["ip=a", "ip=b"]);
        check_select("/*[ip = 'b']/ip", &["ip=b"]);
        check_select("/*[alias]/ip", &["ip=a"]);
        check_select("/1/alias[. = \"x\"]", &["alias=x"]);
        check_select("/1/alias[. != 'x']", &["alias=y"]);
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
    }
}
