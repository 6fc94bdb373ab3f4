//! The syntax tree of a `.aug` module: declarations, expressions, type annotations and
//! tree literals, each carrying its source position.

use crate::error::Span;
use std::rc::Rc;

/// A type annotation on a function parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Type {
    String,
    Regexp,
    Lens,
    Tree,
    Filter,
    Transform,
    Unit,
    Arrow(Box<Type>, Box<Type>),
}

/// A typed function parameter `(name : type)`.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// A binary operator of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    /// `;`
    Compose,
    /// `|`
    Union,
    /// `-`
    Minus,
    /// `.`
    Concat,
}

/// A postfix operator `*`, `+` or `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostOp {
    Star,
    Plus,
    Opt,
}

/// One `{ "label" = "value" children }` of a tree literal.
#[derive(Debug, Clone)]
pub(crate) struct TreeLit {
    pub(crate) label: Option<String>,
    pub(crate) value: Option<String>,
    pub(crate) children: Vec<TreeLit>,
}

/// An expression with its position.
#[derive(Debug, Clone)]
pub(crate) struct Expr {
    pub(crate) span: Span,
    pub(crate) kind: ExprKind,
    /// The height of this expression's tree (1 for a leaf), bounded by the parser.
    pub(crate) depth: u32,
}

/// The expression forms.
#[derive(Debug, Clone)]
pub(crate) enum ExprKind {
    /// An unqualified name.
    Ident(String),
    /// `Module.name`.
    Qualified(String, String),
    Str(String),
    Regexp(String, bool),
    Unit,
    /// `[ e ]`.
    Subtree(Box<Expr>),
    /// A sequence of tree literals.
    Tree(Rc<Vec<TreeLit>>),
    Apply(Box<Expr>, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Postfix(PostOp, Box<Expr>),
    /// `let name params = value in body`.
    LetIn(Rc<Binding>, Box<Expr>),
}

/// `let name (p:T)… = body`, at top level or inside an expression.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Rc<Expr>,
    pub(crate) recursive: bool,
}

/// The expected outcome of a test.
#[derive(Debug, Clone)]
pub(crate) enum Expect {
    /// `= e`: compare with the value of `e`.
    Value(Expr),
    /// `= ?`: print the result.
    Print,
    /// `= *`: an exception is expected.
    Failure,
}

/// What a test runs.
#[derive(Debug, Clone)]
pub(crate) enum TestKind {
    /// `test L get S`.
    Get { lens: Expr, input: Expr },
    /// `test L put S after CMDS`.
    Put {
        lens: Expr,
        input: Expr,
        commands: Expr,
    },
}

/// A `test` declaration.
#[derive(Debug, Clone)]
pub(crate) struct Test {
    pub(crate) span: Span,
    pub(crate) kind: TestKind,
    pub(crate) expect: Expect,
}

/// A top-level declaration.
#[derive(Debug, Clone)]
pub(crate) enum Decl {
    Let(Rc<Binding>),
    Test(Box<Test>),
}

/// A parsed module file.
#[derive(Debug, Clone)]
pub(crate) struct ModuleAst {
    pub(crate) name: String,
    pub(crate) decls: Vec<Decl>,
}
