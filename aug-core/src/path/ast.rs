//! The abstract syntax of path expressions, shaped as Augeas 1.14 builds them: a location
//! path is a list of steps (an absolute path starts with a `root` step, `//` is a
//! `descendant-or-self` step), and a filter expression is a primary with predicates
//! followed by steps (a `self::*` step when nothing follows).

/// A parsed path expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A string literal.
    Literal(String),
    /// A number literal (never negative; it fits in a C `int`).
    Number(i64),
    /// A variable reference `$name`.
    Var(String),
    /// A call of a built-in function.
    Call(Func, Vec<Expr>),
    /// A binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A location path, or a filter expression with predicates or steps.
    Path(Box<LocPath>),
}

/// A path: where it starts, then steps applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocPath {
    /// The node set the first step applies to.
    pub start: Start,
    /// The steps; never empty.
    pub steps: Vec<Step>,
}

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// The context node. For the first step of a top-level path (other than `root::` and
    /// `descendant-or-self::`) that is the handle's context (`/augeas/context`).
    Context,
    /// A primary expression filtered by predicates (e.g. `$hosts[1]`).
    Filter(Expr, Vec<Expr>),
}

/// One location step: `axis::name[pred]...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The axis.
    pub axis: Axis,
    /// The label to match; `None` for `*` (any labelled node; for `root::`, the root).
    pub name: Option<String>,
    /// Predicates, applied one after the other.
    pub predicates: Vec<Expr>,
}

impl Step {
    /// A step without name test and predicates.
    pub fn any(axis: Axis) -> Step {
        Step {
            axis,
            name: None,
            predicates: Vec::new(),
        }
    }
}

/// The axes of the path language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Axis {
    /// `self::`, abbreviated `.`.
    SelfNode,
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
    /// Every axis with its name, in the order Augeas tries them.
    pub const NAMES: [(&'static str, Axis); 10] = [
        ("self", Axis::SelfNode),
        ("child", Axis::Child),
        ("descendant", Axis::Descendant),
        ("descendant-or-self", Axis::DescendantOrSelf),
        ("parent", Axis::Parent),
        ("ancestor", Axis::Ancestor),
        ("root", Axis::Root),
        ("preceding-sibling", Axis::PrecedingSibling),
        ("following-sibling", Axis::FollowingSibling),
        ("seq", Axis::Seq),
    ];

    /// The axis named `name` (as written before `::`).
    pub fn from_name(name: &str) -> Option<Axis> {
        Axis::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, a)| a)
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
    /// `not(bool)`.
    Not,
    /// `modified()`.
    Modified,
}

impl Func {
    /// Every function with its name, in the order Augeas looks them up.
    pub const NAMES: [(&'static str, Func); 9] = [
        ("last", Func::Last),
        ("position", Func::Position),
        ("label", Func::Label),
        ("count", Func::Count),
        ("regexp", Func::Regexp),
        ("glob", Func::Glob),
        ("int", Func::Int),
        ("not", Func::Not),
        ("modified", Func::Modified),
    ];

    /// The function named `name`, if it is a built-in.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, f)| f)
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
