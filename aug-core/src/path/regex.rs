//! Regexps of the path language (`regexp()`, `glob()`, `=~`): the dialect Augeas compiles
//! them in, which is GNU regex's with Augeas's syntax options (POSIX extended operators,
//! intervals, no character classes, no back references, no GNU operators, every `\x` a
//! literal `x`, `^` and `$` anchors only where POSIX allows them, `*`, `+`, `?` or an
//! interval first in an expression an error), GNU's error messages, and bytes rather
//! than characters. A value matches when the whole of it does; `^` and `$` also match at
//! line breaks inside it, as GNU's do for Augeas.
//!
//! Matching runs a Thompson simulation of the pattern's automaton, so it takes time linear
//! in the value whatever the pattern.

/// The largest repetition count of an interval (`RE_DUP_MAX`).
const DUP_MAX: u32 = 0x7fff;

/// How deeply groups may nest.
const MAX_NEST: usize = 1000;

/// How many automaton instructions a pattern may expand to (intervals repeat their
/// operand); bigger patterns are refused as too big.
const MAX_INSTS: usize = 1 << 22;

/// GNU regex's error messages.
mod msg {
    pub const BADPAT: &str = "Invalid regular expression";
    pub const BADRPT: &str = "Invalid preceding regular expression";
    pub const EPAREN: &str = "Unmatched ( or \\(";
    pub const ERPAREN: &str = "Unmatched ) or \\)";
    pub const EBRACK: &str = "Unmatched [, [^, [:, [., or [=";
    pub const EBRACE: &str = "Unmatched \\{";
    pub const BADBR: &str = "Invalid content of \\{\\}";
    pub const ERANGE: &str = "Invalid range end";
    pub const ECOLLATE: &str = "Invalid collation character";
    pub const EESCAPE: &str = "Trailing backslash";
    pub const ESIZE: &str = "Regular expression too big";
}

/// A set of bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn new() -> ByteSet {
        ByteSet([0; 4])
    }

    fn insert(&mut self, b: u8) {
        if let Some(w) = self.0.get_mut(usize::from(b >> 6)) {
            *w |= 1u64 << (b & 63);
        }
    }

    fn contains(&self, b: u8) -> bool {
        self.0
            .get(usize::from(b >> 6))
            .is_some_and(|w| w & (1u64 << (b & 63)) != 0)
    }

    fn negate(&mut self) {
        for w in &mut self.0 {
            *w = !*w;
        }
    }
}

/// The syntax tree of a pattern.
#[derive(Debug, Clone)]
enum Node {
    /// The empty word.
    Empty,
    /// One byte.
    Byte(u8),
    /// One byte of a set.
    Set(Box<ByteSet>),
    /// `.`: any byte but a newline and NUL.
    Any,
    /// `^`: the start of the value or of a line.
    Bol,
    /// `$`: the end of the value or of a line.
    Eol,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    /// `min` to `max` (unbounded when `None`) repetitions.
    Repeat(Box<Node>, u32, Option<u32>),
}

/// The tokens of a pattern outside brackets, as GNU's `peek_token` reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Char(u8),
    Any,
    Star,
    Plus,
    Question,
    OpenDup,
    CloseDup,
    Alt,
    Open,
    Close,
    OpenBracket,
    Bol,
    Eol,
    /// A backslash at the very end.
    Backslash,
    End,
}

impl Tok {
    /// The byte GNU records with the token (what `fetch_number` looks at).
    fn byte(self) -> u8 {
        match self {
            Tok::Char(c) => c,
            Tok::Any => b'.',
            Tok::Star => b'*',
            Tok::Plus => b'+',
            Tok::Question => b'?',
            Tok::OpenDup => b'{',
            Tok::CloseDup => b'}',
            Tok::Alt => b'|',
            Tok::Open => b'(',
            Tok::Close => b')',
            Tok::OpenBracket => b'[',
            Tok::Bol => b'^',
            Tok::Eol => b'$',
            Tok::Backslash => b'\\',
            Tok::End => 0,
        }
    }
}

struct Parser<'a> {
    pat: &'a [u8],
    pos: usize,
    tok: Tok,
}

type PResult<T> = Result<T, &'static str>;

impl Parser<'_> {
    fn byte_at(&self, i: usize) -> Option<u8> {
        self.pat.get(i).copied()
    }

    /// Reads the next token; `caret_here` makes `^` an anchor wherever it is (after `(`
    /// and `|`).
    fn fetch(&mut self, caret_here: bool) {
        let Some(c) = self.byte_at(self.pos) else {
            self.tok = Tok::End;
            return;
        };
        let at = self.pos;
        self.pos += 1;
        self.tok = match c {
            b'\\' => match self.byte_at(self.pos) {
                None => Tok::Backslash,
                Some(n) => {
                    self.pos += 1;
                    Tok::Char(n)
                }
            },
            b'^' if at == 0 || caret_here => Tok::Bol,
            b'$' => match self.byte_at(self.pos) {
                None | Some(b'|' | b')') => Tok::Eol,
                Some(_) => Tok::Char(b'$'),
            },
            b'.' => Tok::Any,
            b'*' => Tok::Star,
            b'+' => Tok::Plus,
            b'?' => Tok::Question,
            b'{' => Tok::OpenDup,
            b'}' => Tok::CloseDup,
            b'|' => Tok::Alt,
            b'(' => Tok::Open,
            b')' => Tok::Close,
            b'[' => Tok::OpenBracket,
            c => Tok::Char(c),
        };
    }

    fn stops_branch(&self, nest: usize) -> bool {
        self.tok == Tok::Alt || self.tok == Tok::End || (nest > 0 && self.tok == Tok::Close)
    }

    fn reg_exp(&mut self, nest: usize) -> PResult<Node> {
        stacker::maybe_grow(64 * 1024, 1 << 20, || self.reg_exp_here(nest))
    }

    fn reg_exp_here(&mut self, nest: usize) -> PResult<Node> {
        let first = self.branch(nest)?;
        if self.tok != Tok::Alt {
            return Ok(first);
        }
        let mut alts = vec![first];
        while self.tok == Tok::Alt {
            self.fetch(true);
            if self.stops_branch(nest) {
                alts.push(Node::Empty);
            } else {
                alts.push(self.branch(nest)?);
            }
        }
        Ok(Node::Alt(alts))
    }

    fn branch(&mut self, nest: usize) -> PResult<Node> {
        let mut parts = Vec::new();
        parts.extend(self.expression(nest)?);
        while !self.stops_branch(nest) {
            parts.extend(self.expression(nest)?);
        }
        Ok(match parts.len() {
            0 => Node::Empty,
            1 => parts.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(parts),
        })
    }

    /// One expression with its repetitions; `None` when it is empty (`a{0}`, or at the
    /// end of a branch).
    fn expression(&mut self, nest: usize) -> PResult<Option<Node>> {
        let mut tree = match self.tok {
            Tok::Char(c) => Some(Node::Byte(c)),
            Tok::CloseDup => Some(Node::Byte(b'}')),
            Tok::Open => Some(self.sub_exp(nest + 1)?),
            Tok::OpenBracket => Some(self.bracket()?),
            Tok::OpenDup | Tok::Star | Tok::Plus | Tok::Question => return Err(msg::BADRPT),
            Tok::Close => return Err(msg::ERPAREN),
            Tok::Bol | Tok::Eol => {
                let node = if self.tok == Tok::Bol {
                    Node::Bol
                } else {
                    Node::Eol
                };
                // An anchor takes no repetition: what follows starts a new expression
                // (where a `^` is literal).
                self.fetch(false);
                return Ok(Some(node));
            }
            Tok::Any => Some(Node::Any),
            Tok::Alt | Tok::End => return Ok(None),
            Tok::Backslash => return Err(msg::EESCAPE),
        };
        self.fetch(false);
        let mut dups = 0;
        while matches!(
            self.tok,
            Tok::Star | Tok::Plus | Tok::Question | Tok::OpenDup
        ) {
            // Augeas nests repetitions without bound; more than these are refused.
            dups += 1;
            if dups > MAX_NEST {
                return Err(msg::ESIZE);
            }
            tree = self.dup(tree)?;
            if matches!(self.tok, Tok::Star | Tok::OpenDup) {
                return Err(msg::BADRPT);
            }
        }
        Ok(tree)
    }

    fn sub_exp(&mut self, nest: usize) -> PResult<Node> {
        // Augeas recurses without bound; deeper groups than these are refused.
        if nest > MAX_NEST {
            return Err(msg::ESIZE);
        }
        self.fetch(true);
        if self.tok == Tok::Close {
            return Ok(Node::Empty);
        }
        let inner = self.reg_exp(nest)?;
        if self.tok != Tok::Close {
            return Err(msg::EPAREN);
        }
        // The caller fetches the token after `)`.
        Ok(inner)
    }

    /// A number of an interval: `Ok(None)` when there were no digits, `Err(true)` at the
    /// end of the pattern, `Err(false)` for anything that is not a digit. Stops after `}`
    /// or `,`.
    fn number(&mut self) -> Result<Option<u32>, bool> {
        let mut num: Option<u32> = None;
        let mut bad = false;
        loop {
            self.fetch(false);
            if self.tok == Tok::End {
                return Err(true);
            }
            let c = self.tok.byte();
            if self.tok == Tok::CloseDup || c == b',' {
                break;
            }
            match self.tok {
                Tok::Char(d @ b'0'..=b'9') if !bad => {
                    let d = u32::from(d - b'0');
                    num = Some(num.map_or(d, |n| (n * 10 + d).min(DUP_MAX + 1)));
                }
                _ => bad = true,
            }
        }
        if bad { Err(false) } else { Ok(num) }
    }

    fn dup(&mut self, elem: Option<Node>) -> PResult<Option<Node>> {
        let (min, max) = match self.tok {
            Tok::Star => (0, None),
            Tok::Plus => (1, None),
            Tok::Question => (0, Some(1)),
            _ => {
                let start = match self.number() {
                    Ok(Some(n)) => Some(n),
                    Ok(None) if self.tok.byte() == b',' => Some(0),
                    Ok(None) => return Err(msg::BADBR),
                    Err(true) => return Err(msg::EBRACE),
                    Err(false) => None,
                };
                let end = match start {
                    None => None,
                    Some(s) if self.tok == Tok::CloseDup => Some(Some(s)),
                    Some(_) => match self.number() {
                        Ok(n) => Some(n),
                        Err(true) => return Err(msg::EBRACE),
                        Err(false) => None,
                    },
                };
                let (Some(start), Some(end)) = (start, end) else {
                    return Err(if self.tok == Tok::End {
                        msg::EBRACE
                    } else {
                        msg::BADBR
                    });
                };
                if end.is_some_and(|e| start > e) || self.tok != Tok::CloseDup {
                    return Err(msg::BADBR);
                }
                if end.unwrap_or(start) > DUP_MAX {
                    return Err(msg::ESIZE);
                }
                (start, end)
            }
        };
        self.fetch(false);
        let Some(elem) = elem else {
            return Ok(None);
        };
        if min == 0 && max == Some(0) {
            return Ok(None);
        }
        Ok(Some(Node::Repeat(Box::new(elem), min, max)))
    }

    /// A bracket expression; the current position is after `[`.
    fn bracket(&mut self) -> PResult<Node> {
        let mut set = ByteSet::new();
        let mut negate = false;
        if self.byte_at(self.pos) == Some(b'^') {
            negate = true;
            self.pos += 1;
        }
        // `[` or `[^` at the very end is not even an unmatched bracket.
        if self.pos >= self.pat.len() {
            return Err(msg::BADPAT);
        }
        let mut first = true;
        loop {
            let start = self.bracket_elem(first)?;
            first = false;
            let mut end = None;
            if !matches!(start, Elem::Equiv(_)) {
                match self.byte_at(self.pos) {
                    None => return Err(msg::EBRACK),
                    Some(b'-') => match self.byte_at(self.pos + 1) {
                        None => return Err(msg::EBRACK),
                        // A `-` before `]` is itself.
                        Some(b']') => {}
                        Some(_) => {
                            self.pos += 1;
                            end = Some(self.bracket_elem(true)?);
                        }
                    },
                    Some(_) => {}
                }
            }
            match end {
                Some(end) => {
                    let (lo, hi) = range(&start, &end)?;
                    for b in lo..=hi {
                        set.insert(b);
                    }
                }
                None => start.add_to(&mut set)?,
            }
            match self.byte_at(self.pos) {
                None => return Err(msg::EBRACK),
                Some(b']') => break,
                Some(_) => {}
            }
        }
        // Skip the `]`.
        self.pos += 1;
        if negate {
            set.negate();
        }
        Ok(Node::Set(Box::new(set)))
    }

    /// One element of a bracket expression.
    fn bracket_elem(&mut self, accept_hyphen: bool) -> PResult<Elem> {
        let Some(c) = self.byte_at(self.pos) else {
            return Err(msg::EBRACK);
        };
        if c == b'[' {
            let delim = self.byte_at(self.pos + 1);
            if let Some(d @ (b'.' | b'=')) = delim {
                self.pos += 2;
                return self.bracket_symbol(d);
            }
        }
        if c == b'-' && !accept_hyphen && self.byte_at(self.pos + 1) != Some(b']') {
            return Err(msg::ERANGE);
        }
        self.pos += 1;
        Ok(Elem::Byte(c))
    }

    /// `[.x.]` or `[=x=]`, after the opening pair.
    fn bracket_symbol(&mut self, delim: u8) -> PResult<Elem> {
        let mut name = Vec::new();
        if self.pos >= self.pat.len() {
            return Err(msg::EBRACK);
        }
        loop {
            if name.len() >= 32 {
                return Err(msg::EBRACK);
            }
            let ch = self.byte_at(self.pos).unwrap_or(0);
            self.pos += 1;
            if self.pos >= self.pat.len() {
                return Err(msg::EBRACK);
            }
            if ch == delim && self.byte_at(self.pos) == Some(b']') {
                break;
            }
            name.push(ch);
        }
        self.pos += 1;
        Ok(if delim == b'.' {
            Elem::Coll(name)
        } else {
            Elem::Equiv(name)
        })
    }
}

/// An element of a bracket expression.
#[derive(Debug)]
enum Elem {
    Byte(u8),
    Coll(Vec<u8>),
    Equiv(Vec<u8>),
}

impl Elem {
    /// The byte of a byte or of a one-byte collating symbol.
    fn byte(&self) -> Option<u8> {
        match self {
            Elem::Byte(b) => Some(*b),
            Elem::Coll(n) => match n.as_slice() {
                [b] => Some(*b),
                _ => None,
            },
            Elem::Equiv(_) => None,
        }
    }

    fn add_to(&self, set: &mut ByteSet) -> PResult<()> {
        match self {
            Elem::Byte(b) => set.insert(*b),
            Elem::Coll(n) | Elem::Equiv(n) => match n.as_slice() {
                [b] => set.insert(*b),
                _ => return Err(msg::ECOLLATE),
            },
        }
        Ok(())
    }
}

/// The bytes of a range `start-end`, checked as GNU checks them.
fn range(start: &Elem, end: &Elem) -> PResult<(u8, u8)> {
    if matches!(start, Elem::Equiv(_)) || matches!(end, Elem::Equiv(_)) {
        return Err(msg::ERANGE);
    }
    let (Some(lo), Some(hi)) = (start.byte(), end.byte()) else {
        return Err(msg::ECOLLATE);
    };
    if lo > hi {
        return Err(msg::ERANGE);
    }
    Ok((lo, hi))
}

/// An instruction of the matching automaton.
#[derive(Debug, Clone)]
enum Inst {
    Byte(u8),
    Set(Box<ByteSet>),
    Any,
    Bol,
    Eol,
    /// Continue at both targets.
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled regexp; [`Regex::is_match`] tells whether a whole value matches.
#[derive(Debug, Clone)]
pub struct Regex {
    insts: Vec<Inst>,
}

/// Compiles `pattern` in Augeas's regexp dialect; `nocase` folds ASCII case. The error is
/// GNU regex's message.
pub fn compile(pattern: &str, nocase: bool) -> Result<Regex, String> {
    compile_parts(&[(pattern, nocase)])
}

/// Compiles the concatenation of `parts`, each with its own case folding (Augeas's `+` of
/// a regexp that ignores case and one that does not).
pub fn compile_parts(parts: &[(&str, bool)]) -> Result<Regex, String> {
    let mut nodes = Vec::with_capacity(parts.len());
    for &(pattern, nocase) in parts {
        nodes.push(parse(pattern, nocase).map_err(str::to_owned)?);
    }
    let mut c = Compiler { insts: Vec::new() };
    for n in &nodes {
        c.emit(n).map_err(str::to_owned)?;
    }
    c.insts.push(Inst::Match);
    Ok(Regex { insts: c.insts })
}

/// Parses one pattern. GNU folds case by reading pattern and value in upper case; we read
/// the pattern in upper case and let each byte match every byte whose upper case it is.
fn parse(pattern: &str, nocase: bool) -> PResult<Node> {
    let bytes: Vec<u8> = if nocase {
        pattern.bytes().map(|b| b.to_ascii_uppercase()).collect()
    } else {
        pattern.as_bytes().to_vec()
    };
    let mut p = Parser {
        pat: &bytes,
        pos: 0,
        tok: Tok::End,
    };
    p.fetch(true);
    let tree = p.reg_exp(0)?;
    Ok(if nocase { fold(tree) } else { tree })
}

/// Makes every byte and set of `n` also match the bytes whose upper case it matches.
fn fold(n: Node) -> Node {
    stacker::maybe_grow(64 * 1024, 1 << 20, || fold_here(n))
}

fn fold_here(n: Node) -> Node {
    let widen = |matches: &dyn Fn(u8) -> bool| {
        let mut set = ByteSet::new();
        for b in 0..=255u8 {
            if matches(b.to_ascii_uppercase()) {
                set.insert(b);
            }
        }
        Node::Set(Box::new(set))
    };
    match n {
        Node::Byte(c) if c.is_ascii_uppercase() => widen(&|b| b == c),
        Node::Set(s) => widen(&|b| s.contains(b)),
        Node::Concat(v) => Node::Concat(v.into_iter().map(fold).collect()),
        Node::Alt(v) => Node::Alt(v.into_iter().map(fold).collect()),
        Node::Repeat(inner, min, max) => Node::Repeat(Box::new(fold(*inner)), min, max),
        n => n,
    }
}

struct Compiler {
    insts: Vec<Inst>,
}

impl Compiler {
    fn push(&mut self, i: Inst) -> PResult<usize> {
        if self.insts.len() >= MAX_INSTS {
            return Err(msg::ESIZE);
        }
        self.insts.push(i);
        Ok(self.insts.len() - 1)
    }

    fn patch(&mut self, at: usize, to: Inst) {
        if let Some(i) = self.insts.get_mut(at) {
            *i = to;
        }
    }

    fn emit(&mut self, n: &Node) -> PResult<()> {
        stacker::maybe_grow(64 * 1024, 1 << 20, || self.emit_here(n))
    }

    fn emit_here(&mut self, n: &Node) -> PResult<()> {
        match n {
            Node::Empty => {}
            Node::Byte(b) => {
                self.push(Inst::Byte(*b))?;
            }
            Node::Set(s) => {
                self.push(Inst::Set(s.clone()))?;
            }
            Node::Any => {
                self.push(Inst::Any)?;
            }
            Node::Bol => {
                self.push(Inst::Bol)?;
            }
            Node::Eol => {
                self.push(Inst::Eol)?;
            }
            Node::Concat(parts) => {
                for p in parts {
                    self.emit(p)?;
                }
            }
            Node::Alt(alts) => {
                let mut jumps = Vec::new();
                for (i, a) in alts.iter().enumerate() {
                    if i + 1 < alts.len() {
                        let split = self.push(Inst::Jmp(0))?;
                        self.emit(a)?;
                        jumps.push(self.push(Inst::Jmp(0))?);
                        let next = self.insts.len();
                        self.patch(split, Inst::Split(split + 1, next));
                    } else {
                        self.emit(a)?;
                    }
                }
                let end = self.insts.len();
                for j in jumps {
                    self.patch(j, Inst::Jmp(end));
                }
            }
            Node::Repeat(inner, min, max) => {
                // The last of `min` copies loops back when there is no maximum, so that
                // nested `+` stay linear.
                let copies = match max {
                    None if *min > 0 => *min - 1,
                    _ => *min,
                };
                for _ in 0..copies {
                    self.emit(inner)?;
                }
                match max {
                    None if *min > 0 => {
                        // inner+
                        let start = self.insts.len();
                        self.emit(inner)?;
                        let split = self.push(Inst::Jmp(0))?;
                        self.patch(split, Inst::Split(start, split + 1));
                    }
                    None => {
                        // inner*
                        let split = self.push(Inst::Jmp(0))?;
                        self.emit(inner)?;
                        self.push(Inst::Jmp(split))?;
                        let end = self.insts.len();
                        self.patch(split, Inst::Split(split + 1, end));
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.push(Inst::Jmp(0))?);
                            self.emit(inner)?;
                        }
                        let end = self.insts.len();
                        for s in splits {
                            self.patch(s, Inst::Split(s + 1, end));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// A set of automaton states, in insertion order.
struct States {
    dense: Vec<usize>,
    mark: Vec<u32>,
    generation: u32,
}

impl States {
    fn new(n: usize) -> States {
        States {
            dense: Vec::new(),
            mark: vec![0; n],
            generation: 1,
        }
    }

    fn clear(&mut self) {
        self.dense.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.generation = 1;
        }
    }

    /// Adds `s`; false if it was there.
    fn insert(&mut self, s: usize) -> bool {
        match self.mark.get_mut(s) {
            Some(m) if *m != self.generation => {
                *m = self.generation;
                self.dense.push(s);
                true
            }
            _ => false,
        }
    }
}

impl Regex {
    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        let text = value.as_bytes();
        let n = self.insts.len();
        let mut cur = States::new(n);
        let mut next = States::new(n);
        let mut stack = Vec::new();
        self.close(&mut cur, &mut stack, 0, text, 0);
        for (i, &b) in text.iter().enumerate() {
            next.clear();
            for k in 0..cur.dense.len() {
                let s = cur.dense.get(k).copied().unwrap_or(0);
                let ok = match self.insts.get(s) {
                    Some(Inst::Byte(c)) => *c == b,
                    Some(Inst::Set(set)) => set.contains(b),
                    Some(Inst::Any) => b != b'\n' && b != 0,
                    _ => false,
                };
                if ok {
                    self.close(&mut next, &mut stack, s + 1, text, i + 1);
                }
            }
            std::mem::swap(&mut cur, &mut next);
            if cur.dense.is_empty() {
                return false;
            }
        }
        cur.dense
            .iter()
            .any(|&s| matches!(self.insts.get(s), Some(Inst::Match)))
    }

    /// Adds `start` and every state reachable from it without reading a byte, at position
    /// `pos` of `text`.
    fn close(
        &self,
        set: &mut States,
        stack: &mut Vec<usize>,
        start: usize,
        text: &[u8],
        pos: usize,
    ) {
        stack.push(start);
        while let Some(s) = stack.pop() {
            if !set.insert(s) {
                continue;
            }
            match self.insts.get(s) {
                Some(Inst::Jmp(t)) => stack.push(*t),
                Some(Inst::Split(a, b)) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Some(Inst::Bol) if pos == 0 || text.get(pos - 1) == Some(&b'\n') => {
                    stack.push(s + 1);
                }
                Some(Inst::Eol) if pos == text.len() || text.get(pos) == Some(&b'\n') => {
                    stack.push(s + 1);
                }
                _ => {}
            }
        }
    }
}

/// Augeas's `unescape` of a `regexp()` argument: `\a \b \t \n \v \f \r \"` become the
/// characters they name, a backslash at the very end is dropped, other backslashes stay
/// (so `\\` is still two backslashes, a literal one for the regexp).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let named = match chars.peek() {
            None => return out,
            Some('a') => '\u{7}',
            Some('b') => '\u{8}',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('v') => '\u{b}',
            Some('f') => '\u{c}',
            Some('r') => '\r',
            Some('"') => '"',
            Some(_) => {
                out.push('\\');
                continue;
            }
        };
        chars.next();
        out.push(named);
    }
    out
}

/// Augeas's translation of a glob into a regexp: `*` is `[^/]*`, `?` is `[^/]`, each of
/// `.|{}()+^$` is escaped, a backslash keeps the character after it as it is, everything
/// else (brackets too) is copied.
pub fn glob_to_regex(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len() + 8);
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some() => {
                out.push('\\');
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '.' | '|' | '{' | '}' | '(' | ')' | '+' | '^' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The pattern Augeas gives `regexp()` and `glob()` of a node set whose nodes have no
/// value. (Meant to match nothing, it matches one byte other than `\x01`-`\x07` and `f`.)
pub const EMPTY_NODESET_PATTERN: &str = "[^\u{1}-\u{7}ff]";

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(pat: &str, nocase: bool, yes: &[&str], no: &[&str]) {
        let m = compile(pat, nocase).unwrap();
        for y in yes {
            assert!(m.is_match(y), "{pat} should match {y:?}");
        }
        for n in no {
            assert!(!m.is_match(n), "{pat} should not match {n:?}");
        }
    }

    #[track_caller]
    fn bad(pat: &str, msg: &str) {
        assert_eq!(compile(pat, false).unwrap_err(), msg, "{pat}");
    }

    #[test]
    fn dialect() {
        check("a.c", false, &["abc"], &["a\nc", "abcd"]);
        check("a[^x]c", false, &["a\nc"], &["axc"]);
        check(r"a\.c", false, &["a.c"], &["abc"]);
        check(r"\d\w", false, &["dw"], &["1a"]);
        check("[]a]+", false, &["]a]"], &["b"]);
        check("ab", true, &["AB", "aB"], &["abc", "\u{c9}"]);
        check("x{2,3}", false, &["xx", "xxx"], &["x", "xxxx"]);
        check("a{,2}", false, &["", "a", "aa"], &["aaa"]);
        check("a{,}", false, &["", "aaaa"], &["b"]);
        check("a{0}b", false, &["b"], &["ab"]);
        check("[[:alpha:]]", false, &["a]", ":]"], &["a", "b]"]);
        check("[[.-.]a]", false, &["-", "a"], &["b"]);
        check("a^b", false, &["a^b"], &["ab"]);
        check("a$b", false, &["a$b"], &["ab"]);
        check("^a$", false, &["a"], &["ba"]);
        check("a\n(^b)", false, &["a\nb"], &["ab"]);
        check("a||b", false, &["a", "b", ""], &["ab"]);
        check("(ab)+", false, &["ab", "abab"], &["", "aba"]);
        check("a{2,}", false, &["aa", "aaaa"], &["a"]);
        check("(a?)+b", false, &["b", "aab"], &["a"]);
        // Nested repetitions stay small.
        let nested = format!("a{}", "+?".repeat(200));
        check(&nested, false, &["", "aaa"], &["b"]);
        check("()", false, &[""], &["a"]);
        check(".", false, &["a"], &["\u{e9}"]);
        check("..", false, &["\u{e9}"], &[]);
        check(EMPTY_NODESET_PATTERN, false, &["a", "F"], &["f", "", "ab"]);
    }

    #[test]
    fn errors_are_gnu_s() {
        bad("*a", msg::BADRPT);
        bad("^*a", msg::BADRPT);
        bad("a**", msg::BADRPT);
        bad("a+*", msg::BADRPT);
        bad("{1}", msg::BADRPT);
        bad("a{1}{2}", msg::BADRPT);
        bad("a{1", msg::EBRACE);
        bad("a{1,", msg::EBRACE);
        bad("a{}", msg::BADBR);
        bad("x{2,1}", msg::BADBR);
        bad("a{1x}", msg::BADBR);
        bad("a{1,2,3}", msg::BADBR);
        bad("a{32768}", msg::ESIZE);
        bad("a)", msg::ERPAREN);
        bad("(a", msg::EPAREN);
        bad("[a", msg::EBRACK);
        bad("a[", msg::BADPAT);
        bad("[^", msg::BADPAT);
        bad("[]", msg::EBRACK);
        bad("[[.hyphen.]]", msg::ECOLLATE);
        bad("[z-a]", msg::ERANGE);
        bad("[a-z-0]", msg::ERANGE);
        bad("[[=a=]-z]", msg::ERANGE);
        bad("\\", msg::EESCAPE);
        for ok in [
            "a*+", "a??", "a{32767}", "[--a]", "[a-]", "a]", "}", "(|a)", "a|",
        ] {
            assert!(compile(ok, false).is_ok(), "{ok}");
        }
    }

    #[test]
    fn unescaping_and_globs() {
        assert_eq!(unescape(r"a\nb\tc\\d\.e"), "a\nb\tc\\\\d\\.e");
        assert_eq!(unescape("a\\"), "a");
        assert_eq!(glob_to_regex("[!0-9]*.c"), "[!0-9][^/]*\\.c");
        assert_eq!(glob_to_regex("a\\*"), "a\\*");
        assert_eq!(glob_to_regex("\\"), "\\");
    }
}
