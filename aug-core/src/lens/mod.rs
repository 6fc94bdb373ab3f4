//! Bidirectional lenses: the combinators (del, store, key, label, value, seq, counter,
//! subtree, concatenation, union, star, maybe, square), their types, and the checks Augeas
//! always runs when a lens is built. `get` and `put` live in submodules, with what they
//! share: `split` (where the pieces of a text are, with automata or by structure, as
//! `engine` says), `skel` (the layout put reads of an original text), `layout` (a file's
//! recorded top level) and `rec` (recursive lenses, and the parser of structural splits).
//!
//! A [`Lens`] is an immutable value, cheap to clone. Every lens knows four regular
//! languages: its *ctype* (the text it accepts), its *atype* (the encoded sequence of tree
//! nodes it produces at the current level), and, for lenses that set the label or value of
//! the enclosing node, its *ktype* and *vtype*.

pub(crate) mod engine;
mod forward;
mod get;
pub(crate) mod layout;
mod put;
mod rec;
mod skel;
mod split;
#[cfg(test)]
mod tests;
mod typecheck;

#[cfg(test)]
pub(crate) use engine::engine;
pub use engine::{Engine, STRUCTURAL_LIMIT, with_engine, with_forward};
pub use get::{GetError, MatchedParts, Parsed};
pub use put::PutError;
pub use typecheck::{CheckError, TypeError};
pub(crate) use typecheck::{
    check_new_concat, check_new_iteration, check_new_maybe, check_new_union, place,
};

use crate::rx::{Alternatives, Regex, RxError, Suffixes};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Separates a node's label from its value in the tree encoding used by put.
pub(crate) const ENC_EQ: &str = "\u{3}";
/// Ends one node in the tree encoding used by put.
pub(crate) const ENC_SLASH: &str = "\u{4}";

/// An error found while building a lens (the checks Augeas always runs).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum LensError {
    /// A regular expression of the lens is invalid.
    #[error("invalid regexp: {0}")]
    Regex(#[from] RxError),
    /// Two parts of a concatenation both set the value of the enclosing node.
    #[error("Multiple stores in concat")]
    MultipleStoresConcat,
    /// Two parts of a concatenation both set the label of the enclosing node.
    #[error("Multiple keys/labels in concat")]
    MultipleKeysConcat,
    /// An iterated lens sets the value of the enclosing node.
    #[error("Multiple stores in iteration")]
    MultipleStoresIter,
    /// An iterated lens sets the label of the enclosing node.
    #[error("Multiple keys/labels in iteration")]
    MultipleKeysIter,
    /// `square` was given a left lens other than `key` or `del`, or a right lens other
    /// than `del`.
    #[error("square: {0}")]
    Square(String),
    /// A `del` default that its regexp does not accept (typecheck only).
    #[error("del: default '{default}' does not match /{regex}/")]
    DelDefault {
        /// The default string.
        default: String,
        /// The regexp.
        regex: String,
    },
    /// A union or concatenation with no members.
    #[error("{0} of no lenses")]
    Empty(&'static str),
    /// A recursive lens this implementation cannot handle.
    #[error("{0}")]
    Recursion(String),
    /// A check of Augeas's failed (recursive lenses, `square`), with its explanation.
    #[error("{0}")]
    Check(CheckError),
}

/// The combinator a lens node is made of.
#[derive(Debug)]
pub(crate) enum Kind {
    Del {
        re: Regex,
        default: String,
    },
    Store {
        re: Regex,
    },
    Key {
        re: Regex,
    },
    Label(String),
    Value(String),
    Seq(String),
    Counter(String),
    Concat(Vec<Lens>),
    Union(Vec<Lens>),
    Subtree(Lens),
    Star(Lens),
    Maybe(Lens),
    /// `square left body right`, stored as the concatenation of the three.
    Square(Lens),
    /// A recursive lens `let rec x = body`: `body`, in which the references to `x` are
    /// [`Kind::Rec`] nodes with the same id (see [`fix`]).
    Fix(u64, Lens),
    /// A reference to the recursive lens with this id, resolved to the body of the
    /// enclosing [`Kind::Fix`] when get or put reaches it.
    Rec(u64),
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) ctype: Regex,
    pub(crate) atype: Regex,
    pub(crate) ktype: Option<Regex>,
    pub(crate) vtype: Option<Regex>,
    /// Sets the label of the enclosing node.
    pub(crate) key: bool,
    /// Sets the value of the enclosing node.
    pub(crate) value: bool,
    /// The ctype is just the empty word (label, value, seq, counter and their
    /// combinations): a concatenation can place such a part without scanning.
    pub(crate) c_eps: bool,
    /// The atype is just the empty word (no subtree at this level).
    pub(crate) a_eps: bool,
    /// The lens is or contains a recursive lens: its text language is not regular, so
    /// `ctype` (and the text half of `split`) are not its language and get splits
    /// it with the parser of [`rec`] instead. Its tree languages are exact.
    pub(crate) rec: bool,
    /// What get and put split concatenations and pick union branches with.
    pub(crate) split: Splitting,
    pub(crate) name: Option<Arc<str>>,
    /// Properties of the lens computed on first use (see [`layout`]).
    pub(crate) memo: Memo,
}

/// The languages get and put split a concatenation or pick a union's branch with,
/// computed once when the lens is built (empty for other lenses).
#[derive(Debug, Clone)]
pub(crate) struct Splitting {
    /// For concatenations: `ctype` of children `i+1..` for each `i` (suffix languages), and
    /// whether that suffix is just the empty word.
    pub(crate) csuffix: Vec<(Regex, bool)>,
    /// For concatenations: `atype` of children `i+1..` for each `i`, and whether it is
    /// just the empty word.
    pub(crate) asuffix: Vec<(Regex, bool)>,
    /// For concatenations: all the `ctype` suffixes at once, for one-pass splitting.
    pub(crate) csuffixes: Arc<Suffixes>,
    /// For concatenations: all the `atype` suffixes at once.
    pub(crate) asuffixes: Arc<Suffixes>,
    /// For unions: the alternatives' `ctype`s at once, to pick a branch in one scan.
    pub(crate) calts: Arc<Alternatives>,
}

impl Splitting {
    /// For a lens that is neither a concatenation nor a union.
    fn none() -> Self {
        Splitting {
            csuffix: Vec::new(),
            asuffix: Vec::new(),
            csuffixes: no_suffixes(),
            asuffixes: no_suffixes(),
            calts: no_alternatives(),
        }
    }
}

/// Properties of a lens computed on first use.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// See [`Lens::layout_by_subtrees`].
    pub(crate) layout: OnceLock<bool>,
    /// See [`Lens::layout_by_iterations`].
    pub(crate) iters: OnceLock<bool>,
    /// Whether a `seq` or `counter` occurs anywhere in the lens.
    pub(crate) seq: OnceLock<bool>,
    /// See [`Lens::seqs_run_on`].
    pub(crate) seqs_run_on: OnceLock<bool>,
    /// See [`Lens::labels_survive_save`].
    pub(crate) survives: OnceLock<bool>,
    /// See [`Lens::sketch`].
    pub(crate) sketch: OnceLock<crate::fa::Sketch>,
    /// See [`Lens::stops_before_rest`].
    pub(crate) stops: OnceLock<Vec<bool>>,
    /// See [`Lens::origin`].
    pub(crate) origin: OnceLock<Origin>,
}

/// Where a lens was written: a range of a `.aug` file, which Augeas uses to name a lens
/// (in `/augeas/files/…/lens/info`, in errors). Displayed as Augeas does:
/// `/usr/share/augeas/lenses/dist/hosts.aug:13.12-.52`, columns counted from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The module file.
    pub file: Arc<str>,
    /// The line (from 1) and column (from 0) where the lens's expression starts.
    pub start: (usize, usize),
    /// The line and column just past its end.
    pub end: (usize, usize),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ((l1, c1), (l2, c2)) = (self.start, self.end);
        if (l1, c1) == (l2, c2) {
            write!(f, "{}:{l1}.{c1}", self.file)
        } else if l1 == l2 {
            write!(f, "{}:{l1}.{c1}-.{c2}", self.file)
        } else {
            write!(f, "{}:{l1}.{c1}-{l2}.{c2}", self.file)
        }
    }
}

/// A bidirectional lens. Build one with the functions of this module ([`del`], [`store`],
/// [`key`], [`subtree`], [`concat()`], [`union`], ...).
#[derive(Clone)]
pub struct Lens(pub(crate) Arc<Node>);

impl fmt::Debug for Lens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for Lens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = &self.0.name {
            return f.write_str(n);
        }
        match &self.0.kind {
            Kind::Del { re, default } => write!(f, "del /{re}/ {default:?}"),
            Kind::Store { re } => write!(f, "store /{re}/"),
            Kind::Key { re } => write!(f, "key /{re}/"),
            Kind::Label(s) => write!(f, "label {s:?}"),
            Kind::Value(s) => write!(f, "value {s:?}"),
            Kind::Seq(s) => write!(f, "seq {s:?}"),
            Kind::Counter(s) => write!(f, "counter {s:?}"),
            Kind::Concat(v) => write_list(f, v, " . "),
            Kind::Union(v) => write_list(f, v, " | "),
            Kind::Subtree(l) => write!(f, "[ {l} ]"),
            Kind::Star(l) => write!(f, "({l})*"),
            Kind::Maybe(l) => write!(f, "({l})?"),
            Kind::Square(l) => write!(f, "square({l})"),
            Kind::Fix(_, l) => write!(f, "rec {l}"),
            Kind::Rec(_) => f.write_str("<rec>"),
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, v: &[Lens], sep: &str) -> fmt::Result {
    f.write_str("(")?;
    for (i, l) in v.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{l}")?;
    }
    f.write_str(")")
}

fn leaf(kind: Kind, ctype: Regex) -> Lens {
    let c_eps = matches!(
        kind,
        Kind::Label(_) | Kind::Value(_) | Kind::Seq(_) | Kind::Counter(_)
    );
    let (ktype, vtype, key, value) = match &kind {
        Kind::Key { re } => (Some(re.restrict()), None, true, false),
        Kind::Store { re } => (None, Some(re.restrict()), false, true),
        Kind::Label(s) => (Some(Regex::literal(s)), None, true, false),
        Kind::Value(s) => (None, Some(Regex::literal(s)), false, true),
        Kind::Seq(_) => (Some(seq_ktype()), None, true, false),
        _ => (None, None, false, false),
    };
    Lens(Arc::new(Node {
        kind,
        ctype,
        atype: Regex::epsilon(),
        ktype,
        vtype,
        key,
        value,
        c_eps,
        a_eps: true,
        rec: false,
        split: Splitting::none(),
        name: None,
        memo: Memo::default(),
    }))
}

fn seq_ktype() -> Regex {
    static SEQ: OnceLock<Regex> = OnceLock::new();
    SEQ.get_or_init(|| Regex::parse("[0-9]+", false).unwrap_or_else(|_| Regex::never()))
        .clone()
}

/// The literal regexps of the tree encoding's separators, shared by all subtrees.
fn enc_eq() -> Regex {
    static EQ: OnceLock<Regex> = OnceLock::new();
    EQ.get_or_init(|| Regex::literal(ENC_EQ)).clone()
}

fn enc_slash() -> Regex {
    static SLASH: OnceLock<Regex> = OnceLock::new();
    SLASH.get_or_init(|| Regex::literal(ENC_SLASH)).clone()
}

/// `del re default`: matches `re` and puts nothing in the tree; put re-emits the original
/// text, or `default` for new nodes.
pub fn del(re: Regex, default: &str) -> Lens {
    let ctype = re.clone();
    leaf(
        Kind::Del {
            re,
            default: default.to_owned(),
        },
        ctype,
    )
}

/// `store re`: matches `re` and makes it the value of the enclosing node.
pub fn store(re: Regex) -> Lens {
    let ctype = re.clone();
    leaf(Kind::Store { re }, ctype)
}

/// `key re`: matches `re` and makes it the label of the enclosing node.
pub fn key(re: Regex) -> Lens {
    let ctype = re.clone();
    leaf(Kind::Key { re }, ctype)
}

/// `label s`: sets the label of the enclosing node to `s`; consumes no text.
pub fn label(s: &str) -> Lens {
    leaf(Kind::Label(s.to_owned()), Regex::epsilon())
}

/// `value s`: sets the value of the enclosing node to `s`; consumes no text.
pub fn value(s: &str) -> Lens {
    leaf(Kind::Value(s.to_owned()), Regex::epsilon())
}

/// `seq name`: labels the enclosing node with the next number of counter `name`.
pub fn seq(name: &str) -> Lens {
    leaf(Kind::Seq(name.to_owned()), Regex::epsilon())
}

/// `counter name`: resets counter `name` to 1; consumes no text.
pub fn counter(name: &str) -> Lens {
    leaf(Kind::Counter(name.to_owned()), Regex::epsilon())
}

/// `[ l ]`: a tree node whose label, value and children come from `l`.
pub fn subtree(l: Lens) -> Lens {
    let k = l.0.ktype.clone().unwrap_or_else(Regex::epsilon);
    let v = l.0.vtype.clone().unwrap_or_else(Regex::epsilon);
    let atype = k.concat(&enc_eq()).concat(&v).concat(&enc_slash());
    let ctype = l.0.ctype.clone();
    let c_eps = l.0.c_eps;
    let rec = l.0.rec;
    Lens(Arc::new(Node {
        kind: Kind::Subtree(l),
        ctype,
        atype,
        ktype: None,
        vtype: None,
        key: false,
        value: false,
        c_eps,
        a_eps: false,
        rec,
        split: Splitting::none(),
        name: None,
        memo: Memo::default(),
    }))
}

/// The (unusable) alternatives of a lens that is not a union.
fn no_alternatives() -> Arc<Alternatives> {
    static NONE: OnceLock<Arc<Alternatives>> = OnceLock::new();
    NONE.get_or_init(|| Arc::new(Alternatives::new(Vec::new())))
        .clone()
}

/// The (unusable) suffixes of a lens that is not a concatenation.
fn no_suffixes() -> Arc<Suffixes> {
    static NONE: OnceLock<Arc<Suffixes>> = OnceLock::new();
    NONE.get_or_init(|| Arc::new(Suffixes::new(Vec::new())))
        .clone()
}

fn join_opt(
    a: &Option<Regex>,
    b: &Option<Regex>,
    f: impl Fn(&Regex, &Regex) -> Regex,
) -> Option<Regex> {
    match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (Some(a), None) | (None, Some(a)) => Some(a.clone()),
        (None, None) => None,
    }
}

/// `l1 . l2 . …`: the concatenation of `lenses`.
pub fn concat(lenses: Vec<Lens>) -> Result<Lens, LensError> {
    // Flatten nested concatenations that carry no name of their own.
    let mut parts: Vec<Lens> = Vec::with_capacity(lenses.len());
    for l in lenses {
        match &l.0.kind {
            Kind::Concat(v) if l.0.name.is_none() => parts.extend(v.iter().cloned()),
            _ => parts.push(l),
        }
    }
    if parts.len() == 1 {
        return parts.pop().ok_or(LensError::Empty("concatenation"));
    }
    let Some(first) = parts.first() else {
        return Err(LensError::Empty("concatenation"));
    };
    let (mut key, mut value) = (first.0.key, first.0.value);
    let mut ktype = first.0.ktype.clone();
    let mut vtype = first.0.vtype.clone();
    for p in parts.iter().skip(1) {
        if key && p.0.key {
            return Err(LensError::MultipleKeysConcat);
        }
        if value && p.0.value {
            return Err(LensError::MultipleStoresConcat);
        }
        key |= p.0.key;
        value |= p.0.value;
        ktype = join_opt(&ktype, &p.0.ktype, Regex::concat);
        vtype = join_opt(&vtype, &p.0.vtype, Regex::concat);
    }
    let n = parts.len();
    let mut csuffix = vec![(Regex::epsilon(), true); n];
    let mut asuffix = vec![(Regex::epsilon(), true); n];
    for i in (0..n.saturating_sub(1)).rev() {
        let next = &parts[i + 1].0;
        csuffix[i] = if i + 2 == n {
            (next.ctype.clone(), next.c_eps)
        } else {
            let (rest, eps) = &csuffix[i + 1];
            (next.ctype.concat(rest), next.c_eps && *eps)
        };
        asuffix[i] = if i + 2 == n {
            (next.atype.clone(), next.a_eps)
        } else {
            let (rest, eps) = &asuffix[i + 1];
            (next.atype.concat(rest), next.a_eps && *eps)
        };
    }
    let ctype = first.0.ctype.concat(&csuffix[0].0);
    let atype = first.0.atype.concat(&asuffix[0].0);
    let c_eps = parts.iter().all(|p| p.0.c_eps);
    let a_eps = parts.iter().all(|p| p.0.a_eps);
    let rec = parts.iter().any(|p| p.0.rec);
    let csuffixes = Arc::new(Suffixes::new(
        parts.iter().map(|p| p.0.ctype.clone()).collect(),
    ));
    let asuffixes = Arc::new(Suffixes::new(
        parts.iter().map(|p| p.0.atype.clone()).collect(),
    ));
    Ok(Lens(Arc::new(Node {
        kind: Kind::Concat(parts),
        ctype,
        atype,
        ktype,
        vtype,
        key,
        value,
        c_eps,
        a_eps,
        rec,
        split: Splitting {
            csuffix,
            asuffix,
            csuffixes,
            asuffixes,
            calts: no_alternatives(),
        },
        name: None,
        memo: Memo::default(),
    })))
}

/// `l1 | l2 | …`: the first alternative whose language matches.
pub fn union(lenses: Vec<Lens>) -> Result<Lens, LensError> {
    let mut parts: Vec<Lens> = Vec::with_capacity(lenses.len());
    for l in lenses {
        match &l.0.kind {
            Kind::Union(v) if l.0.name.is_none() => parts.extend(v.iter().cloned()),
            _ => parts.push(l),
        }
    }
    if parts.len() == 1 {
        return parts.pop().ok_or(LensError::Empty("union"));
    }
    let Some(first) = parts.first() else {
        return Err(LensError::Empty("union"));
    };
    let mut ctype = first.0.ctype.clone();
    let mut atype = first.0.atype.clone();
    let mut ktype = first.0.ktype.clone();
    let mut vtype = first.0.vtype.clone();
    let (mut key, mut value) = (first.0.key, first.0.value);
    for p in parts.iter().skip(1) {
        ctype = ctype.union(&p.0.ctype);
        atype = atype.union(&p.0.atype);
        ktype = join_opt(&ktype, &p.0.ktype, Regex::union);
        vtype = join_opt(&vtype, &p.0.vtype, Regex::union);
        key |= p.0.key;
        value |= p.0.value;
    }
    let c_eps = parts.iter().all(|p| p.0.c_eps);
    let a_eps = parts.iter().all(|p| p.0.a_eps);
    let rec = parts.iter().any(|p| p.0.rec);
    let calts = Arc::new(Alternatives::new(
        parts.iter().map(|p| p.0.ctype.clone()).collect(),
    ));
    Ok(Lens(Arc::new(Node {
        kind: Kind::Union(parts),
        ctype,
        atype,
        ktype,
        vtype,
        key,
        value,
        c_eps,
        a_eps,
        rec,
        split: Splitting {
            calts,
            ..Splitting::none()
        },
        name: None,
        memo: Memo::default(),
    })))
}

/// How many words of `square`'s left lens are enumerated to make its text language
/// precise (libfa's limit).
const SQUARE_ENUM_LIMIT: usize = 10;

/// `square left body right`: like `left . body . right`, but in get the texts matched by
/// `left` and `right` must be equal, and in put `right` re-emits the node's label when
/// `left` is a `key`.
pub fn square(left: Lens, body: Lens, right: Lens) -> Result<Lens, LensError> {
    if !matches!(left.0.kind, Kind::Key { .. } | Kind::Del { .. })
        || !matches!(right.0.kind, Kind::Del { .. })
    {
        return Err(LensError::Check(CheckError::new(
            "Supported types: (key lns del) or (del lns del)",
            Vec::new(),
        )));
    }
    let inconsistent = |why: &str| {
        LensError::Check(CheckError::new(
            "Inconsistency in lens square",
            vec![
                format!("    {why}"),
                format!("    Left lens: {}", place(&left)),
                format!("    Right lens: {}", place(&right)),
            ],
        ))
    };
    // The same regexp on both ends (the usual square) needs no automaton to compare.
    let same_text = left.0.ctype.to_string() == right.0.ctype.to_string()
        && left.0.ctype.is_nocase() == right.0.ctype.is_nocase();
    match if same_text {
        Ok(true)
    } else {
        left.0.ctype.equals(&right.0.ctype)
    } {
        Ok(true) => {}
        Ok(false) => {
            return Err(inconsistent(
                "Left and right lenses must accept the same language",
            ));
        }
        Err(e) => return Err(LensError::Regex(e)),
    }
    if let (Kind::Del { default: d1, .. }, Kind::Del { default: d2, .. }) =
        (&left.0.kind, &right.0.kind)
        && d1 != d2
    {
        return Err(inconsistent(
            "Left and right lenses must have the same default value",
        ));
    }
    // Like libfa, make the text language precise when `left` has few words: the union
    // of `w . body . w` over each word `w` of `left`, so that a union or concatenation
    // around the square does not take a text with unequal ends for it.
    // Ends compared case-insensitively (either regexp `/…/i`) may differ in case: the
    // plain concatenation is then the language.
    let nocase = square_nocase(&left) || square_nocase(&right);
    let precise = match left.0.ctype.enumerate(SQUARE_ENUM_LIMIT) {
        _ if nocase => None,
        Ok(Some(words)) => words
            .iter()
            .map(|w| {
                let w = Regex::literal(&String::from_utf8_lossy(w));
                w.concat(&body.0.ctype).concat(&w)
            })
            .reduce(|a, b| a.union(&b)),
        _ => None,
    };
    // Build the concatenation without flattening it into a surrounding one.
    let inner = concat(vec![left, body, right])?;
    let n = &inner.0;
    Ok(Lens(Arc::new(Node {
        ctype: precise.unwrap_or_else(|| n.ctype.clone()),
        atype: n.atype.clone(),
        ktype: n.ktype.clone(),
        vtype: n.vtype.clone(),
        key: n.key,
        value: n.value,
        c_eps: n.c_eps,
        a_eps: n.a_eps,
        rec: n.rec,
        split: Splitting::none(),
        name: None,
        memo: Memo::default(),
        kind: Kind::Square(inner),
    })))
}

/// Whether a `key` or `del` at an end of a square has a case-insensitive regexp.
fn square_nocase(l: &Lens) -> bool {
    match &l.0.kind {
        Kind::Key { re } | Kind::Del { re, .. } => re.is_nocase(),
        _ => false,
    }
}

/// A new id for a recursive lens (see [`rec_ref`] and [`fix`]).
pub fn fresh_rec_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A reference to the recursive lens `id`, named `name`, to use inside its own body.
///
/// Recursive lenses are built in two steps, since the references must carry the tree
/// languages of the body they stand for:
/// 1. build the body with `rec_ref(id, name, None)`, which stands for a lens that produces
///    no tree;
/// 2. build it again with `rec_ref(id, name, Some(&first_body))`, then wrap the result
///    with [`fix`].
///
/// This is exact when the references occur inside subtrees of the body (as in every
/// recursive lens of Augeas's library): the body's own tree language does not depend on
/// them. A reference at the body's own tree level carries C's regular approximation of
/// the recursive lens's tree language instead.
pub fn rec_ref(id: u64, name: &str, like: Option<&Lens>) -> Lens {
    let (atype, ktype, vtype, key, value, a_eps) = match like {
        Some(l) => {
            let (atype, a_eps) = match rec::tree_level_language(id, l) {
                Some(approx) => (approx, false),
                None => (l.0.atype.clone(), l.0.a_eps),
            };
            (
                atype,
                l.0.ktype.clone(),
                l.0.vtype.clone(),
                l.0.key,
                l.0.value,
                a_eps,
            )
        }
        None => (Regex::never(), None, None, false, false, false),
    };
    // Whether a `seq` or `counter` can be read through the reference: what the first
    // evaluation of the body holds (its own references aside), so that a recursive lens
    // without any (Httpd's sections) is known to number nothing.
    let seq = like.is_none_or(|l| l.has_seq_besides(id));
    let memo = Memo::default();
    let _ = memo.seq.set(seq);
    Lens(Arc::new(Node {
        kind: Kind::Rec(id),
        // Not the text language (which is not regular): get never uses it (see `rec`).
        ctype: Regex::never(),
        atype,
        ktype,
        vtype,
        key,
        value,
        c_eps: false,
        a_eps,
        rec: true,
        split: Splitting::none(),
        name: Some(Arc::from(name)),
        memo,
    }))
}

/// The recursive lens `id` whose body is `body`, built with `rec_ref(id, _, Some(first))`
/// for the references (see [`rec_ref`]). Fails when C's checks of recursive lenses fail,
/// or when the labels or values the body sets depend on the recursion.
pub fn fix(id: u64, body: Lens, first: &Lens) -> Result<Lens, LensError> {
    rec::check_recursive(id, &body).map_err(LensError::Check)?;
    let same = |a: &Option<Regex>, b: &Option<Regex>| match (a, b) {
        (Some(a), Some(b)) => a.to_string() == b.to_string(),
        (None, None) => true,
        _ => false,
    };
    let (b, f) = (&body.0, &first.0);
    // Recursion at the lens's own tree level: the tree language is C's regular
    // approximation (see `rec::tree_level_language`), which holds the body's.
    let approx = rec::tree_level_language(id, first);
    if (approx.is_none() && b.atype.to_string() != f.atype.to_string())
        || !same(&b.ktype, &f.ktype)
        || !same(&b.vtype, &f.vtype)
        || b.key != f.key
        || b.value != f.value
    {
        return Err(LensError::Recursion(format!(
            "the recursive lens {body} sets the label or value of its node through itself"
        )));
    }
    let a_eps = b.a_eps && approx.is_none();
    Ok(Lens(Arc::new(Node {
        ctype: Regex::never(),
        atype: approx.unwrap_or_else(|| b.atype.clone()),
        ktype: b.ktype.clone(),
        vtype: b.vtype.clone(),
        key: b.key,
        value: b.value,
        c_eps: false,
        a_eps,
        rec: true,
        split: Splitting::none(),
        name: None,
        memo: Memo::default(),
        kind: Kind::Fix(id, body),
    })))
}

impl Lens {
    /// For part `i` of a concatenation: whether no byte that can occur in its text can
    /// begin the rest of the concatenation, by the sketches alone. Then, wherever the
    /// concatenation matches, a shorter match of part `i` than its longest is followed by
    /// an empty rest (the rest's first byte would have continued part `i`).
    pub(crate) fn stops_before_rest(&self, i: usize) -> bool {
        let Kind::Concat(parts) = &self.0.kind else {
            return false;
        };
        let flags = self.0.memo.stops.get_or_init(|| {
            let sketches: Vec<crate::fa::Sketch> = parts.iter().map(Lens::sketch).collect();
            crate::fa::follow_flags(&sketches, |j, follow| {
                sketches
                    .get(j)
                    .is_some_and(|sk| sk.alphabet.and(follow).is_empty())
            })
        });
        flags.get(i).copied().unwrap_or(false)
    }

    /// A [sketch](crate::fa::Sketch) of the text language (over-approximated for squares
    /// and recursive lenses), put together from the parts' sketches: cheap even where the
    /// language's expression is big.
    pub(crate) fn sketch(&self) -> crate::fa::Sketch {
        use crate::fa::Sketch;
        *self.0.memo.sketch.get_or_init(|| match &self.0.kind {
            Kind::Concat(parts) => parts
                .iter()
                .fold(Sketch::EPS, |acc, p| acc.then(p.sketch())),
            Kind::Union(alts) => alts
                .iter()
                .fold(Sketch::NEVER, |acc, a| acc.either(a.sketch())),
            Kind::Star(body) | Kind::Maybe(body) => body.sketch().optional(),
            Kind::Subtree(body) | Kind::Square(body) => body.sketch(),
            // Anything at all: the parser does not filter these.
            Kind::Fix(..) | Kind::Rec(_) => Sketch {
                empty: false,
                nullable: true,
                first: crate::fa::ByteSet::FULL,
                alphabet: crate::fa::ByteSet::FULL,
            },
            _ => self.0.ctype.sketch(),
        })
    }
}

impl Lens {
    fn iter_check(&self) -> Result<(), LensError> {
        if self.0.value {
            return Err(LensError::MultipleStoresIter);
        }
        if self.0.key {
            return Err(LensError::MultipleKeysIter);
        }
        Ok(())
    }

    /// `l*`: zero or more repetitions, each taking the longest match (Augeas's greedy
    /// iteration).
    pub fn star(&self) -> Result<Lens, LensError> {
        self.iter_check()?;
        Ok(Lens(Arc::new(Node {
            kind: Kind::Star(self.clone()),
            ctype: self.0.ctype.star(),
            atype: self.0.atype.star(),
            ktype: None,
            vtype: None,
            key: false,
            value: false,
            c_eps: self.0.c_eps,
            a_eps: self.0.a_eps,
            rec: self.0.rec,
            split: Splitting::none(),
            name: None,
            memo: Memo::default(),
        })))
    }

    /// `l+`: `l . l*`.
    pub fn plus(&self) -> Result<Lens, LensError> {
        concat(vec![self.clone(), self.star()?])
    }

    /// `l?`: zero or one occurrence.
    pub fn opt(&self) -> Lens {
        Lens(Arc::new(Node {
            kind: Kind::Maybe(self.clone()),
            ctype: self.0.ctype.opt(),
            atype: self.0.atype.opt(),
            ktype: self.0.ktype.as_ref().map(Regex::opt),
            vtype: self.0.vtype.as_ref().map(Regex::opt),
            key: self.0.key,
            value: self.0.value,
            c_eps: self.0.c_eps,
            a_eps: self.0.a_eps,
            rec: self.0.rec,
            split: Splitting::none(),
            name: None,
            memo: Memo::default(),
        }))
    }

    /// The same lens with a name used in error messages (e.g. `Hosts.record`).
    pub fn named(&self, name: &str) -> Lens {
        let n = &self.0;
        Lens(Arc::new(Node {
            kind: match &n.kind {
                Kind::Del { re, default } => Kind::Del {
                    re: re.clone(),
                    default: default.clone(),
                },
                Kind::Store { re } => Kind::Store { re: re.clone() },
                Kind::Key { re } => Kind::Key { re: re.clone() },
                Kind::Label(s) => Kind::Label(s.clone()),
                Kind::Value(s) => Kind::Value(s.clone()),
                Kind::Seq(s) => Kind::Seq(s.clone()),
                Kind::Counter(s) => Kind::Counter(s.clone()),
                Kind::Concat(v) => Kind::Concat(v.clone()),
                Kind::Union(v) => Kind::Union(v.clone()),
                Kind::Subtree(l) => Kind::Subtree(l.clone()),
                Kind::Star(l) => Kind::Star(l.clone()),
                Kind::Maybe(l) => Kind::Maybe(l.clone()),
                Kind::Square(l) => Kind::Square(l.clone()),
                Kind::Fix(id, l) => Kind::Fix(*id, l.clone()),
                Kind::Rec(id) => Kind::Rec(*id),
            },
            ctype: n.ctype.clone(),
            atype: n.atype.clone(),
            ktype: n.ktype.clone(),
            vtype: n.vtype.clone(),
            key: n.key,
            value: n.value,
            c_eps: n.c_eps,
            a_eps: n.a_eps,
            rec: n.rec,
            split: n.split.clone(),
            name: Some(Arc::from(name)),
            memo: Memo::default(),
        }))
    }

    /// The regular language of the text this lens accepts. Not meaningful for a
    /// recursive lens ([`Lens::is_recursive`]), whose text language is not regular.
    pub fn ctype(&self) -> &Regex {
        &self.0.ctype
    }

    /// Whether this lens is or contains a recursive lens (see [`fix`]).
    pub fn is_recursive(&self) -> bool {
        self.0.rec
    }

    /// The regular language of the encoded tree nodes this lens produces at its level.
    pub fn atype(&self) -> &Regex {
        &self.0.atype
    }

    /// The name given with [`Lens::named`], if any.
    pub fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Where the lens was written, for lenses built from a `.aug` module: the expression
    /// that made it (a lens a binding only names keeps the position it was made at).
    pub fn origin(&self) -> Option<&Origin> {
        self.0.memo.origin.get()
    }

    /// Records where the lens was written, unless it already has a position (a lens is
    /// located where it was first made).
    pub fn locate(&self, origin: Origin) {
        let _ = self.0.memo.origin.set(origin);
    }

    /// Runs the checks of Augeas's typechecker that are cheap: every `del` default matches
    /// its regexp. Returns the first problem found.
    pub fn typecheck(&self) -> Result<(), LensError> {
        let mut stack = vec![self.clone()];
        while let Some(l) = stack.pop() {
            l.check_del_default()?;
            stack.extend(l.parts().iter().cloned());
        }
        Ok(())
    }

    /// For a `del`: its default must match its regexp (as libfa reads it).
    pub(crate) fn check_del_default(&self) -> Result<(), LensError> {
        match &self.0.kind {
            Kind::Del { re, default } if !re.is_match_literal(default.as_bytes()) => {
                Err(LensError::DelDefault {
                    default: default.clone(),
                    regex: re.to_string(),
                })
            }
            _ => Ok(()),
        }
    }

    /// Whether the lens sets the value of the enclosing node (a `store` or `value` outside
    /// of any subtree).
    pub(crate) fn sets_value(&self) -> bool {
        self.0.value
    }

    /// Whether the lens sets the label of the enclosing node (a `key`, `label` or `seq`
    /// outside of any subtree).
    pub(crate) fn sets_key(&self) -> bool {
        self.0.key
    }

    /// The lenses this one is made of, in order (none for a leaf or a reference to a
    /// recursive lens, whose body is an ancestor).
    pub(crate) fn parts(&self) -> &[Lens] {
        match &self.0.kind {
            Kind::Concat(v) | Kind::Union(v) => v,
            Kind::Subtree(b)
            | Kind::Star(b)
            | Kind::Maybe(b)
            | Kind::Square(b)
            | Kind::Fix(_, b) => std::slice::from_ref(b),
            _ => &[],
        }
    }
}

/// Parses a regexp in Augeas's dialect (a convenience for writing lenses in Rust).
pub fn rx(pattern: &str) -> Result<Regex, LensError> {
    Ok(Regex::parse(pattern, false)?)
}

/// The literal string `s` as a regexp (Augeas's string-to-regexp coercion).
pub fn lit(s: &str) -> Regex {
    Regex::literal(s)
}
