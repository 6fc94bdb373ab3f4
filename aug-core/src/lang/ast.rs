//! The syntax tree of a `.aug` module: declarations, expressions, type annotations and
//! tree literals, each carrying its source position.

use crate::error::Span;
use std::fmt;
use std::rc::Rc;

/// A range of source text, from the first byte of a construct to just past its last, as
/// Augeas reports positions in `.aug` files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Loc {
    /// Where the construct starts.
    pub(crate) start: Span,
    /// Just past its end.
    pub(crate) end: Span,
}

impl Loc {
    /// The range from `start` to `end`.
    pub(crate) fn new(start: Span, end: Span) -> Loc {
        Loc { start, end }
    }
}

/// Augeas's notation: `LINE.COL-.COL` on one line, `LINE.COL-LINE.COL` across lines,
/// `LINE.COL` for an empty range, columns counted from 0.
impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (l1, c1) = (self.start.line, self.start.col.saturating_sub(1));
        let (l2, c2) = (self.end.line, self.end.col.saturating_sub(1));
        if self.end.offset <= self.start.offset {
            write!(f, "{l1}.{c1}")
        } else if l1 == l2 {
            write!(f, "{l1}.{c1}-.{c2}")
        } else {
            write!(f, "{l1}.{c1}-{l2}.{c2}")
        }
    }
}

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
    /// The whole expression, parentheses included, as Augeas locates it.
    pub(crate) loc: Loc,
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
    /// The whole declaration, from `let` to the end of its body.
    pub(crate) loc: Loc,
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
    /// The whole declaration, from `test` to the end of its expected result.
    pub(crate) loc: Loc,
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
    /// The `module Name` header, where Augeas reports a file name that does not match.
    pub(crate) header: Loc,
    /// The transform named by `autoload xfm`, if any.
    pub(crate) autoload: Option<String>,
    pub(crate) decls: Vec<Decl>,
}
