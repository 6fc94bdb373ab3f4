//! The path expression language (Augeas's pathx): grammar, AST, parser and evaluator.
//!
//! ```
//! use aug_core::{Tree, path::{PathExpr, Vars}};
//! let mut tree = Tree::new();
//! let root = tree.root();
//! let a = tree.append_child(root, Some("a"), Some("1")).unwrap();
//! let expr = PathExpr::parse("/a[. = '1']").unwrap();
//! assert_eq!(expr.select(&tree, &Vars::new(), root).unwrap(), vec![a]);
//! ```

mod ast;
mod error;
mod eval;
mod parser;
pub mod regex;

pub(crate) use ast::{Axis, BinOp, Expr, LocPath};
pub use error::{PathError, PathErrorKind};
pub use eval::{Regexp, Value, Vars};
pub use parser::{MAX_NESTING, unescape_name};

use crate::tree::{NodeId, Tree};
pub(crate) use eval::Trace;

/// A parsed and type-checked path expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathExpr {
    text: String,
    expr: Expr,
    has_else: bool,
}

impl PathExpr {
    /// Parses and type-checks `text`, which may use no variables.
    pub fn parse(text: &str) -> Result<PathExpr, PathError> {
        PathExpr::parse_with(text, &Vars::new())
    }

    /// Parses and type-checks `text`; its variables must be defined in `vars` and have
    /// the types of their values there (as in Augeas, where a path is checked against
    /// the variables defined when it is parsed).
    pub fn parse_with(text: &str, vars: &Vars) -> Result<PathExpr, PathError> {
        PathExpr::parse_typed(text, vars).map(|(p, _)| p)
    }

    /// Parses and type-checks `text` as an expression that must give a node set.
    pub fn parse_nodeset(text: &str, vars: &Vars) -> Result<PathExpr, PathError> {
        match PathExpr::parse_typed(text, vars)? {
            (p, eval::Type::NodeSet) => Ok(p),
            _ => Err(PathError::new(PathErrorKind::Type, text, text.len())),
        }
    }

    fn parse_typed(text: &str, vars: &Vars) -> Result<(PathExpr, eval::Type), PathError> {
        let parsed = parser::parse(text)?;
        let ty = eval::typecheck(&parsed.expr, vars)
            .map_err(|kind| PathError::new(kind, text, text.len()))?;
        let p = PathExpr {
            text: text.to_owned(),
            expr: parsed.expr,
            has_else: parsed.has_else,
        };
        Ok((p, ty))
    }

    /// The text the expression was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The syntax tree.
    pub(crate) fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Evaluates the expression with `context` as the context node: relative paths start
    /// there.
    pub fn eval(&self, tree: &Tree, vars: &Vars, context: NodeId) -> Result<Value, PathError> {
        self.eval_in(tree, vars, context, None)
    }

    /// Evaluates the expression as Augeas evaluates a path for its handle: `origin` is
    /// the context node (the root, for the handle), and relative paths at the top start
    /// at `root_ctx` (the handle's context node) when `origin` is the root.
    pub fn eval_in(
        &self,
        tree: &Tree,
        vars: &Vars,
        origin: NodeId,
        root_ctx: Option<NodeId>,
    ) -> Result<Value, PathError> {
        self.evaluator(tree, vars, origin, root_ctx)
            .eval(&self.expr)
    }

    /// Evaluates the expression, which must yield a node set, with `context` as the
    /// context node.
    pub fn select(
        &self,
        tree: &Tree,
        vars: &Vars,
        context: NodeId,
    ) -> Result<Vec<NodeId>, PathError> {
        self.select_in(tree, vars, context, None)
    }

    /// [`PathExpr::select`] with an origin and a context node, as [`PathExpr::eval_in`].
    pub fn select_in(
        &self,
        tree: &Tree,
        vars: &Vars,
        origin: NodeId,
        root_ctx: Option<NodeId>,
    ) -> Result<Vec<NodeId>, PathError> {
        match self.eval_in(tree, vars, origin, root_ctx)? {
            Value::NodeSet(ns) => Ok(ns),
            _ => Err(PathError::new(
                PathErrorKind::Type,
                &self.text,
                self.text.len(),
            )),
        }
    }

    fn evaluator<'a>(
        &'a self,
        tree: &'a Tree,
        vars: &'a Vars,
        origin: NodeId,
        root_ctx: Option<NodeId>,
    ) -> eval::Evaluator<'a> {
        eval::Evaluator::new(tree, vars, &self.text, origin, root_ctx, self.has_else)
    }

    /// For node creation: the expression reduced to the location path that decides where
    /// nodes go (following `else` to the branch that is chosen), with its trace.
    /// `Ok(None)` means the expression is not a path; callers then use
    /// [`Self::select_in`].
    pub(crate) fn creation_trace(
        &self,
        tree: &Tree,
        vars: &Vars,
        origin: NodeId,
        root_ctx: Option<NodeId>,
    ) -> Result<Option<(&LocPath, Trace)>, PathError> {
        let mut ev = self.evaluator(tree, vars, origin, root_ctx);
        let mut e = &self.expr;
        loop {
            match e {
                Expr::Binary(BinOp::Else, l, r) => {
                    let lv = ev.eval(l)?;
                    e = if lv.truthy() { l } else { r };
                }
                Expr::Path(lp) => return Ok(Some((lp, ev.trace(lp)?))),
                _ => return Ok(None),
            }
        }
    }
}

impl std::fmt::Display for PathExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (Tree, NodeId) {
        let mut t = Tree::new();
        let r = t.root();
        let a = t.append_child(r, Some("a"), None).unwrap();
        t.append_child(a, Some("b"), Some("1")).unwrap();
        t.append_child(a, None, Some("hidden")).unwrap();
        t.append_child(a, Some("c"), Some("2")).unwrap();
        (t, r)
    }

    #[track_caller]
    fn count(t: &Tree, ctx: NodeId, expr: &str) -> usize {
        PathExpr::parse(expr)
            .unwrap()
            .select(t, &Vars::new(), ctx)
            .unwrap()
            .len()
    }

    #[test]
    fn hidden_nodes_are_never_matched() {
        let (t, r) = tree();
        assert_eq!(count(&t, r, "/a/*"), 2);
        assert_eq!(count(&t, r, "/a/*[. = 'hidden']"), 0);
        assert_eq!(count(&t, r, "/a/*[2]"), 1);
        // `//` is `/descendant-or-self::*/`, and `*` skips the unlabelled root.
        assert_eq!(count(&t, r, "//*"), 2);
        assert_eq!(count(&t, r, "/a/b/following-sibling::*"), 1);
    }

    #[test]
    fn errors_point_at_the_bad_column() {
        let e = PathExpr::parse("/a/*[foo(1)]").unwrap_err();
        assert_eq!(e.kind, PathErrorKind::EmptyName);
        assert_eq!(e.code, crate::ErrorCode::PathX);
        assert_eq!(e.to_string(), "empty name\n/a/*[foo(1)]\n     ^");
        assert_eq!(e.marked(), "/a/*[|=|foo(1)]");
        let e = PathExpr::parse("/a/b/..[1]").unwrap_err();
        assert_eq!(e.marked(), "/a/b/..|=|[1]");
        let e = PathExpr::parse("/a/*[count()]").unwrap_err();
        assert_eq!(e.marked(), "/a/*[count()|=|]");
        let e = PathExpr::parse("/a/*[1").unwrap_err();
        assert_eq!(e.marked(), "/a/*[1|=|");
        let e = PathExpr::parse("/a/*[99999999999]").unwrap_err();
        assert_eq!(e.marked(), "/a/*[|=|99999999999]");
    }

    #[test]
    fn int_of_several_nodes_is_mmatch() {
        let (t, r) = tree();
        let e = PathExpr::parse("/a[int(*) = 1]")
            .unwrap()
            .select(&t, &Vars::new(), r)
            .unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::MMatch);
    }

    #[test]
    fn deep_nesting_is_refused_cleanly() {
        let (t, r) = tree();
        let ok = format!(
            "{}1{} = 1",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(PathExpr::parse(&ok).is_ok());
        let ok = format!(
            "/a/*[{}1{}]",
            "(".repeat(MAX_NESTING - 1),
            ")".repeat(MAX_NESTING - 1)
        );
        let p = PathExpr::parse(&ok).unwrap();
        assert_eq!(p.select(&t, &Vars::new(), r).unwrap().len(), 1);
        for deep in [
            format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)),
            format!("{}1", "(".repeat(100_000)),
            format!("/a{}", "[b".repeat(5000)),
            "1+".repeat(50_000) + "1",
            "/a|".repeat(50_000) + "/a",
        ] {
            let e = PathExpr::parse(&deep).unwrap_err();
            assert_eq!(e.kind, PathErrorKind::TooDeep, "{}", &deep[..20]);
        }
    }
}
