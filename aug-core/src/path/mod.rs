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
pub mod regex_bridge;

pub use ast::{Axis, BinOp, Expr, Func, LocPath, Start, Step};
pub use error::{PathError, PathErrorKind};
pub use eval::{Value, Vars};
pub use parser::{MAX_NESTING, unescape_name};

use crate::tree::{NodeId, Tree};
pub(crate) use eval::Trace;

/// A parsed and type-checked path expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathExpr {
    text: String,
    expr: Expr,
}

impl PathExpr {
    /// Parses and type-checks `text`.
    pub fn parse(text: &str) -> Result<PathExpr, PathError> {
        let expr = parser::parse(text)?;
        if eval::typecheck(&expr).is_none() {
            return Err(PathError::new(PathErrorKind::Type, text, text.len()));
        }
        Ok(PathExpr {
            text: text.to_owned(),
            expr,
        })
    }

    /// The text the expression was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The syntax tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Evaluates the expression with `context` as the context node (relative paths start
    /// there).
    pub fn eval(&self, tree: &Tree, vars: &Vars, context: NodeId) -> Result<Value, PathError> {
        eval::Evaluator::new(tree, vars, &self.text).eval_at(&self.expr, context)
    }

    /// Evaluates the expression, which must yield a node set.
    pub fn select(
        &self,
        tree: &Tree,
        vars: &Vars,
        context: NodeId,
    ) -> Result<Vec<NodeId>, PathError> {
        match self.eval(tree, vars, context)? {
            Value::NodeSet(ns) => Ok(ns),
            _ => Err(PathError::new(
                PathErrorKind::Type,
                &self.text,
                self.text.len(),
            )),
        }
    }

    /// For node creation: the expression reduced to the location path that decides where
    /// nodes go (following `else` to the branch that is chosen), with its trace.
    /// `Ok(None)` means the expression is not a path; callers then use [`Self::select`].
    pub(crate) fn creation_trace(
        &self,
        tree: &Tree,
        vars: &Vars,
        context: NodeId,
    ) -> Result<Option<(&LocPath, Trace)>, PathError> {
        let mut ev = eval::Evaluator::new(tree, vars, &self.text);
        let mut e = &self.expr;
        loop {
            match e {
                Expr::Binary(BinOp::Else, l, r) => {
                    let lv = ev.eval_at(l, context)?;
                    e = if lv.truthy() { l } else { r };
                }
                Expr::Path(lp) => return Ok(Some((lp, ev.trace_at(lp, context)?))),
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
