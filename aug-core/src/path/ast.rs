//! The abstract syntax of path expressions, independent of the pest parse tree.

/// A parsed path expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A string literal.
    Literal(String),
    /// A number literal (never negative).
    Number(i64),
    /// A variable reference `$name`.
    Var(String),
    /// A call of a built-in function.
    Call(Func, Vec<Expr>),
    /// A binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A location path or a filter expression followed by steps.
    Path(Box<LocPath>),
}

/// A path: where it starts, then steps applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocPath {
    /// The node set the first step applies to.
    pub start: Start,
    /// The steps.
    pub steps: Vec<Step>,
}

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// The context node (a relative path).
    Context,
    /// The root of the tree (a path starting with `/`).
    Root,
    /// A primary expression filtered by predicates (e.g. `$hosts[1]`).
    Filter(Expr, Vec<Expr>),
}

/// One location step: `axis::name[pred]...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The axis.
    pub axis: Axis,
    /// The label to match; `None` for `*`.
    pub name: Option<String>,
    /// Predicates, applied one after the other.
    pub predicates: Vec<Expr>,
}

/// The axes of the path language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Axis {
    /// `self::`, abbreviated `.`.
    SelfAxis,
    /// `child::`, the default.
    Child,
    /// `seq::`: children with all-digit labels.
    Seq,
    /// `descendant::`.
    Descendant,
    /// `descendant-or-self::`; `//` inserts `descendant-or-self::*`.
    DescendantOrSelf,
    /// `parent::`, abbreviated `..`.
    Parent,
    /// `ancestor::` (nearest first).
    Ancestor,
    /// `root::`: the root of the tree.
    Root,
    /// `preceding-sibling::` (nearest first).
    PrecedingSibling,
    /// `following-sibling::`.
    FollowingSibling,
}

impl Axis {
    /// The axis named `name` (as written before `::`).
    pub fn from_name(name: &str) -> Option<Axis> {
        Some(match name {
            "self" => Axis::SelfAxis,
            "child" => Axis::Child,
            "seq" => Axis::Seq,
            "descendant" => Axis::Descendant,
            "descendant-or-self" => Axis::DescendantOrSelf,
            "parent" => Axis::Parent,
            "ancestor" => Axis::Ancestor,
            "root" => Axis::Root,
            "preceding-sibling" => Axis::PrecedingSibling,
            "following-sibling" => Axis::FollowingSibling,
            _ => return None,
        })
    }
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `else`.
    Else,
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `=` (existential on node sets).
    Eq,
    /// `!=` (existential on node sets).
    Neq,
    /// `=~`.
    Match,
    /// `!~`.
    NoMatch,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `+`.
    Plus,
    /// `-`.
    Minus,
    /// `*`.
    Star,
    /// `|`.
    Union,
}

/// The built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    /// `last()`.
    Last,
    /// `position()`.
    Position,
    /// `label()`.
    Label,
    /// `count(nodeset)`.
    Count,
    /// `regexp(s)` or `regexp(s, flags)`.
    Regexp,
    /// `glob(s)`.
    Glob,
    /// `int(x)`.
    Int,
    /// `modified()`.
    Modified,
    /// `not(bool)`.
    Not,
}

impl Func {
    /// The function named `name`, if it is a built-in.
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "last" => Func::Last,
            "position" => Func::Position,
            "label" => Func::Label,
            "count" => Func::Count,
            "regexp" => Func::Regexp,
            "glob" => Func::Glob,
            "int" => Func::Int,
            "modified" => Func::Modified,
            "not" => Func::Not,
            _ => return None,
        })
    }

    /// Whether the function accepts `n` arguments.
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Func::Last | Func::Position | Func::Label | Func::Modified => n == 0,
            Func::Count | Func::Glob | Func::Int | Func::Not => n == 1,
            Func::Regexp => n == 1 || n == 2,
        }
    }
}
