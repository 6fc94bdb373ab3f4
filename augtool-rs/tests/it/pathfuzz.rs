//! The differential path fuzzer (issue 18): random read-only commands over the sample root
//! (mostly `match`, also `count`, `get`, `label`, `ls`, `print`, `dump-xml` and `defvar`),
//! run through C augtool and augtool-rs and compared command by command.
//!
//! The generator ([`Gen`]) writes path expressions over the labels and values of the sample
//! tree: every axis, function and operator, predicates of every type, filter expressions,
//! variables, regexps and globs (valid and not), string literals with escapes, names with
//! blanks and dots, and now and then a mutation (a character dropped, inserted or swapped,
//! the text cut short) for malformed input.
//!
//! Both tools run the same [`options`] on one shared copy of `testroot/` (the commands
//! never write) and read many cases per process: before each case come two markers,
//! `get /m)` (an error on standard error, which also resets `/augeas/error`) and
//! `get /m_N` (a line on standard output), so that both outputs can be split case by case.
//! Every case defines the variables it uses and puts back the ones it changed, so a case
//! gives the same output alone as in its batch. A crash or a hang ends a batch at the case
//! it happened in; the rest of the batch runs in a new process.
//!
//! A case whose output differs is either one of the [`ACCEPTED`] differences (each
//! documented there, checked, and listed in the README) or a failure, which [`shrink`]
//! reduces to a small case for [`REGRESSIONS`] (and a case in `aug-core`'s
//! `tests/data/path.tests`).
//!
//! - `cargo test -p augtool-rs --test it pathfuzz` replays the regressions and a few
//!   thousand cases of fixed seeds (when C augtool is installed);
//! - `scripts/path-fuzz SECS [SEED]` runs batches for SECS seconds and prints the figures
//!   and every shrunk failure.

use crate::editfuzz::{Rng, c_augtool, options};
use crate::support::{augtool_rs, cache_dir, root_copy};
use aug_core::srun::tokenizer::{Kind, quote};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What the generator draws from: the sample tree's paths, labels and values (`/files`
/// and `/augeas`).
#[derive(Debug)]
pub struct Vocab {
    paths: Vec<String>,
    labels: Vec<String>,
    values: Vec<String>,
}

impl Vocab {
    /// Reads the sample root through the library with the built-in lenses.
    pub fn of_testroot() -> Vocab {
        let root = root_copy();
        let aug = aug_lenses::open(Some(root.path()), aug_core::Flags::NONE);
        let mut paths = aug.matches("/files//*").unwrap();
        paths.extend(aug.matches("/augeas//*").unwrap());
        let mut labels = std::collections::BTreeSet::new();
        let mut values = std::collections::BTreeSet::new();
        for p in &paths {
            if let Ok(Some(l)) = aug.label(p) {
                labels.insert(l);
            }
            if let Ok(Some(v)) = aug.get(p) {
                values.insert(v);
            }
        }
        // The root's path would differ between runs.
        paths.retain(|p| p != "/augeas/root");
        values.retain(|v| !v.starts_with('/') || !v.contains("/tmp"));
        Vocab {
            paths,
            labels: labels.into_iter().collect(),
            values: values.into_iter().collect(),
        }
    }
}

/// Names that are not labels of the tree, some of them awkward for the parser.
const ODD_NAMES: &[&str] = &[
    ". x",
    ".x",
    "..x",
    ". + 'x'",
    "a b",
    "x\\ ",
    "\\.",
    "\\..",
    "a\\/b",
    "mail\\ function",
    "01",
    "-1",
    "x*",
    "a:b",
    "a::b",
    "ancestor-or-self::*",
    "and",
    "or",
    "else",
    "not",
    "count",
    "_",
    "\u{e9}t\u{e9}",
    "nothing",
    "x or y",
    "a\\[1\\]",
    "guest$",
    "@nis",
    "svc.deploy",
];

/// The axes, the known ones and some that Augeas reads as names.
const AXES: &[&str] = &[
    "self",
    "child",
    "seq",
    "descendant",
    "descendant-or-self",
    "parent",
    "ancestor",
    "root",
    "preceding-sibling",
    "following-sibling",
    "ancestor-or-self",
    "sibling",
];

/// Functions, with the number of arguments they take.
const FUNCS: &[(&str, usize)] = &[
    ("last", 0),
    ("position", 0),
    ("label", 0),
    ("count", 1),
    ("regexp", 1),
    ("regexp", 2),
    ("glob", 1),
    ("int", 1),
    ("modified", 0),
    ("not", 1),
];

/// Binary operators, with the blanks around them.
const OPS: &[&str] = &[
    " = ", "=", " != ", " =~ ", " !~ ", " < ", " <= ", " > ", ">=", " + ", "+", " - ", "-", "*",
    " * ", "|", " | ", " and ", " or ", " else ",
];

/// Pieces of regexps, valid and not.
const RX_ATOMS: &[&str] = &[
    "a",
    "e",
    "o",
    "s",
    "1",
    "0",
    ".",
    ".*",
    ".+",
    "[a-z]",
    "[^0-9]",
    "[0-9]+",
    "[[:alpha:]]",
    "[[:digit:]]*",
    "[[.hyphen.]]",
    "[]a]",
    "[^]]",
    "\\.",
    "\\\\",
    "\\n",
    "\\t",
    "\\(",
    "\\[",
    "\\w",
    "(a|b)",
    "(.*)",
    "^",
    "$",
    "a{2}",
    "a{,2}",
    "a{1,}",
    "a{,}",
    "a{32767}",
    "x{2,1}",
    "a)",
    "(a",
    "^*a",
    "*a",
    "a**",
    "a|",
    "|a",
    "()",
    "[a",
    "a]",
    "\\",
    "{1}",
    "a{1",
    " ",
    "é",
    "/",
    "-",
    "#",
];

/// Pieces of globs.
const GLOB_ATOMS: &[&str] = &[
    "*", "?", "[a-z]", "[!0-9]", "[^a]", "[]]", "\\*", "\\", "[", "a", "s", "/", ".", "e", "1",
    "x", "*.*", "**", "[!", "ho*", "*s",
];

/// Strings worth putting in literals.
const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "x",
    "a b",
    "\\n",
    "\\t",
    "\\\\",
    "]",
    "[",
    "(",
    "|",
    "/",
    "*",
    "1",
    "-1",
    "007",
    "2147483648",
    "9223372036854775808",
    " 3",
    "3 ",
    "+4",
    "0x10",
    "localhost",
    "root",
    "É",
    "a\tb",
];

/// Characters that mutations insert.
const JUNK: &[char] = &[
    '[', ']', '(', ')', '\'', '"', '$', '/', '|', '=', '!', ',', '.', '*', ':', '@', '\\', ' ',
    '+', '-', '<', '>', '~', 'a', '1', '#',
];

/// The case generator.
struct Gen<'a> {
    rng: Rng,
    vocab: &'a Vocab,
}

impl Gen<'_> {
    fn label(&mut self) -> String {
        let l = self.rng.pick(&self.vocab.labels).clone();
        aug_core::Augeas::escape_name(&l)
    }

    fn value(&mut self) -> String {
        if self.rng.chance(70) {
            self.rng.pick(&self.vocab.values).clone()
        } else {
            (*self.rng.pick(ODD_STRINGS)).to_owned()
        }
    }

    fn existing(&mut self) -> String {
        self.rng.pick(&self.vocab.paths).clone()
    }

    /// A string literal, quoted with `'` or `"` (and now and then unterminated).
    fn literal(&mut self) -> String {
        let v = self.value();
        let q = if self.rng.chance(75) { '\'' } else { '"' };
        let v: String = v.chars().filter(|&c| c != q).collect();
        if self.rng.chance(2) {
            format!("{q}{v}")
        } else {
            format!("{q}{v}{q}")
        }
    }

    fn number(&mut self) -> String {
        match self.rng.below(12) {
            0 => "0".into(),
            1..=3 => "1".into(),
            4 | 5 => "2".into(),
            6 => "3".into(),
            7 => (self.rng.below(30) + 4).to_string(),
            8 => "1000".into(),
            9 => "2147483647".into(),
            10 => "2147483648".into(),
            _ => "99999999999".into(),
        }
    }

    fn regexp_text(&mut self) -> String {
        if self.rng.chance(20) {
            let v = self.value();
            return v.replace(['\'', '"'], "");
        }
        let n = 1 + self.rng.below(4);
        let mut s = String::new();
        for _ in 0..n {
            let piece: &&str = self.rng.pick(RX_ATOMS);
            s.push_str(piece);
        }
        s.replace(['\'', '"'], "")
    }

    fn glob_text(&mut self) -> String {
        if self.rng.chance(15) {
            let v = self.value();
            return v.replace(['\'', '"'], "");
        }
        let n = 1 + self.rng.below(4);
        let mut s = String::new();
        for _ in 0..n {
            let piece: &&str = self.rng.pick(GLOB_ATOMS);
            s.push_str(piece);
        }
        s
    }

    /// `regexp(...)` or `glob(...)`.
    fn regexp(&mut self, d: usize) -> String {
        match self.rng.below(10) {
            0..=4 => format!("regexp('{}')", self.regexp_text()),
            5 => format!("regexp('{}', 'i')", self.regexp_text()),
            6 => format!("regexp('{}', '{}')", self.regexp_text(), self.value()),
            7 => format!("glob('{}')", self.glob_text()),
            8 => {
                let p = self.rel_path(d + 1);
                let f = if self.rng.chance(50) {
                    "regexp"
                } else {
                    "glob"
                };
                format!("{f}({p})")
            }
            _ => format!(
                "regexp('{}') + glob('{}')",
                self.regexp_text(),
                self.glob_text()
            ),
        }
    }

    fn name(&mut self) -> String {
        match self.rng.below(100) {
            0..=39 => "*".into(),
            40..=89 => self.label(),
            _ => (*self.rng.pick(ODD_NAMES)).to_owned(),
        }
    }

    fn step(&mut self, d: usize) -> String {
        if self.rng.chance(8) {
            return if self.rng.chance(50) { "." } else { ".." }.to_owned();
        }
        let mut s = String::new();
        if self.rng.chance(30) {
            let piece: &&str = self.rng.pick(AXES);
            s.push_str(piece);
            s.push_str(if self.rng.chance(90) { "::" } else { " :: " });
        }
        s.push_str(&self.name());
        let mut n = 0;
        while n < 2 && self.rng.chance(35usize.saturating_sub(10 * d)) {
            s.push_str(&self.predicate(d + 1));
            n += 1;
        }
        s
    }

    fn rel_path(&mut self, d: usize) -> String {
        let n = 1 + self.rng.below(3);
        let mut s = self.step(d);
        for _ in 1..n {
            s.push_str(if self.rng.chance(85) { "/" } else { "//" });
            s.push_str(&self.step(d));
        }
        s
    }

    /// A location path or a filter expression.
    fn path(&mut self, d: usize) -> String {
        match self.rng.below(100) {
            0..=44 => {
                // A prefix of a real path, then a few steps.
                let p = self.existing();
                let steps: Vec<&str> = split_steps(&p);
                let keep = 1 + self.rng.below(steps.len().max(1));
                let mut s = format!("/{}", steps[..keep.min(steps.len())].join("/"));
                let more = self.rng.below(3);
                for _ in 0..more {
                    s.push_str(if self.rng.chance(85) { "/" } else { "//" });
                    s.push_str(&self.step(d));
                }
                s
            }
            45..=59 => format!("/{}", self.rel_path(d)),
            60..=66 => format!("//{}", self.rel_path(d)),
            67..=79 => self.rel_path(d),
            80..=87 => {
                let var = *self.rng.pick(&["$hosts", "$users", "$v", "$none", "$root"]);
                let mut s = var.to_owned();
                if self.rng.chance(50) {
                    s.push_str(&self.predicate(d + 1));
                }
                if self.rng.chance(60) {
                    s.push_str(if self.rng.chance(85) { "/" } else { "//" });
                    s.push_str(&self.rel_path(d));
                }
                s
            }
            88..=94 => {
                let a = self.path(d + 1);
                let b = self.path(d + 1);
                let mut s = format!("({a}|{b})");
                if self.rng.chance(50) {
                    s.push_str(&self.predicate(d + 1));
                }
                if self.rng.chance(50) {
                    s.push('/');
                    s.push_str(&self.rel_path(d));
                }
                s
            }
            _ => (*self.rng.pick(&[
                "/",
                ".",
                "..",
                "root::*",
                "descendant-or-self::files",
                "descendant-or-self::*[label() = 'hosts']",
                "/files/root::*",
                "/*[. x]",
                "$v",
                "$",
                "$1",
                "$//file",
                "$undefined",
                "/files/etc/hosts/1[. x]",
                "foo(",
                "/files |",
                "/files and",
                "/files/etc/hosts/*[1 or int(alias)]",
            ]))
            .to_owned(),
        }
    }

    fn cmp_op(&mut self) -> &'static str {
        const CMP: &[&str] = &[" = ", " != ", "=", " < ", " > ", " <= ", ">="];
        let op: &&'static str = self.rng.pick(CMP);
        op
    }

    /// The inside of a predicate.
    fn pred_body(&mut self, d: usize) -> String {
        if d > 3 {
            return self.number();
        }
        match self.rng.below(100) {
            0..=13 => match self.rng.below(8) {
                0 => "last()".into(),
                1 => "last() - 1".into(),
                2 => "last()+1".into(),
                3 => format!("position() {} {}", self.cmp_op(), self.number()),
                _ => self.number(),
            },
            14..=23 => self.rel_path(d),
            24..=37 => {
                let l = if self.rng.chance(30) {
                    ".".to_owned()
                } else {
                    self.rel_path(d)
                };
                let op = *self.rng.pick(&[" = ", " != ", "=", "!="]);
                format!("{l}{op}{}", self.literal())
            }
            38..=46 => {
                let l = match self.rng.below(3) {
                    0 => ".".to_owned(),
                    1 => "label()".to_owned(),
                    _ => self.rel_path(d),
                };
                let op = if self.rng.chance(75) { " =~ " } else { " !~ " };
                format!("{l}{op}{}", self.regexp(d))
            }
            47..=51 => {
                let a = if self.rng.chance(70) {
                    self.rel_path(d)
                } else {
                    self.literal()
                };
                format!("int({a}){}{}", self.cmp_op(), self.number())
            }
            52..=56 => {
                let p = if self.rng.chance(50) {
                    self.rel_path(d)
                } else {
                    self.path(d + 1)
                };
                format!("count({p}){}{}", self.cmp_op(), self.number())
            }
            57..=60 => format!("not({})", self.pred_body(d + 1)),
            61..=64 => format!("label(){}{}", self.cmp_op(), self.literal()),
            65..=66 => "modified()".into(),
            67..=69 => self.literal(),
            70..=72 => (*self
                .rng
                .pick(&["$n", "$s", "$b", "$hosts", "$r", "$none", "$nope"]))
            .to_owned(),
            73..=84 => {
                let a = self.pred_body(d + 1);
                let b = self.pred_body(d + 1);
                let op = *self.rng.pick(&[" and ", " or ", " else ", " and ", " or "]);
                if self.rng.chance(20) {
                    format!("({a}){op}({b})")
                } else {
                    format!("{a}{op}{b}")
                }
            }
            _ => self.expr(d + 1),
        }
    }

    fn predicate(&mut self, d: usize) -> String {
        let body = self.pred_body(d);
        if self.rng.chance(10) {
            format!("[ {body} ]")
        } else {
            format!("[{body}]")
        }
    }

    /// Any expression.
    fn expr(&mut self, d: usize) -> String {
        if d > 3 {
            return match self.rng.below(4) {
                0 => self.number(),
                1 => self.literal(),
                _ => self.rel_path(d),
            };
        }
        match self.rng.below(100) {
            0..=29 => self.path(d + 1),
            30..=36 => self.literal(),
            37..=43 => self.number(),
            44..=49 => (*self
                .rng
                .pick(&["$n", "$s", "$b", "$r", "$hosts", "$v", "$none"]))
            .to_owned(),
            50..=67 => {
                let &(name, arity) = self.rng.pick(FUNCS);
                let n = if self.rng.chance(5) {
                    self.rng.below(3)
                } else {
                    arity
                };
                let args: Vec<String> = (0..n)
                    .map(|i| match (name, i) {
                        ("regexp" | "glob", 0) if self.rng.chance(60) => {
                            format!("'{}'", self.regexp_text())
                        }
                        ("regexp", 1) if self.rng.chance(70) => "'i'".to_owned(),
                        ("not", _) => self.pred_body(d + 1),
                        _ => self.expr(d + 1),
                    })
                    .collect();
                format!("{name}({})", args.join(", "))
            }
            68..=69 => format!("foo({})", self.expr(d + 1)),
            70..=91 => {
                let a = self.expr(d + 1);
                let b = self.expr(d + 1);
                format!("{a}{}{b}", self.rng.pick(OPS))
            }
            92..=95 => format!("({})", self.expr(d + 1)),
            _ => self.regexp(d),
        }
    }

    /// A top-level expression, mostly a node set.
    fn top(&mut self) -> String {
        let e = match self.rng.below(100) {
            0..=74 => self.path(0),
            75..=82 => format!("{}|{}", self.path(1), self.path(1)),
            83..=92 => self.expr(0),
            _ => {
                let p = self.path(1);
                format!("{p} else {}", self.path(1))
            }
        };
        let e = if self.rng.chance(10) {
            self.respace(&e)
        } else {
            e
        };
        if self.rng.chance(8) {
            self.mutate(&e)
        } else {
            e
        }
    }

    /// The text with blanks added around some of its punctuation (where Augeas skips
    /// them, and where it does not).
    fn respace(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            let around = matches!(c, '[' | ']' | '/' | '|' | '(' | ')' | ',' | '=' | '*');
            if around && self.rng.chance(30) {
                out.push(if self.rng.chance(80) { ' ' } else { '\t' });
            }
            out.push(c);
            if around && self.rng.chance(30) {
                out.push(' ');
            }
        }
        out
    }

    /// The text with one or two random edits.
    fn mutate(&mut self, s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..1 + self.rng.below(2) {
            let n = chars.len();
            let i = self.rng.below(n + 1);
            match self.rng.below(5) {
                0 if i < n => {
                    chars.remove(i);
                }
                1 => chars.insert(i, *self.rng.pick(JUNK)),
                2 if i + 1 < n => chars.swap(i, i + 1),
                3 => chars.truncate(i.max(1)),
                _ => {
                    if i < n {
                        let j = i + self.rng.below(n - i);
                        let dup: Vec<char> = chars[i..=j.min(n - 1)].to_vec();
                        for (k, c) in dup.into_iter().enumerate() {
                            chars.insert(i + k, c);
                        }
                    }
                }
            }
        }
        chars.into_iter().collect()
    }

    /// One case: the commands, ending with whatever puts variables back.
    fn case(&mut self) -> Vec<String> {
        let cmd = |verb: &str, e: &str| format!("{verb} {}", quote(e, Kind::Path));
        match self.rng.below(100) {
            0..=54 => vec![cmd("match", &self.top())],
            55..=57 => {
                let v = self.value();
                vec![format!(
                    "match {} {}",
                    quote(&self.top(), Kind::Path),
                    quote(&v, Kind::Str)
                )]
            }
            58..=64 => vec![cmd("count", &self.top())],
            65..=71 => {
                let p = if self.rng.chance(50) {
                    self.existing()
                } else {
                    self.top()
                };
                vec![cmd("get", &p)]
            }
            72..=75 => {
                let p = if self.rng.chance(50) {
                    self.existing()
                } else {
                    self.top()
                };
                vec![cmd("label", &p)]
            }
            76..=80 => vec![cmd("ls", &self.top())],
            81..=85 => vec![cmd("print", &self.top())],
            86..=88 => vec![cmd("dump-xml", &self.top())],
            _ => {
                let value = match self.rng.below(6) {
                    0..=2 => self.top(),
                    3 => self.expr(1),
                    4 => self.regexp(1),
                    _ => format!("{} = {}", self.rel_path(1), self.literal()),
                };
                let mut cmds = vec![cmd("defvar v", &value)];
                for _ in 0..1 + self.rng.below(2) {
                    let use_ = match self.rng.below(6) {
                        0 => "$v".to_owned(),
                        1 => format!("$v/{}", self.rel_path(1)),
                        2 => format!("$v{}", self.predicate(1)),
                        3 => format!("/files/etc/hosts/*[{}]", "$v"),
                        4 => format!("$v//{}", self.name()),
                        _ => self.top(),
                    };
                    let verb = *self.rng.pick(&["match", "match", "count", "get", "print"]);
                    cmds.push(cmd(verb, &use_));
                }
                cmds.push(RESET_V.to_owned());
                cmds
            }
        }
    }
}

/// Splits an escaped path into its steps (a `/` after a backslash or inside brackets is part
/// of a step).
fn split_steps(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    let mut depth = 0usize;
    for (i, c) in path.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                if i > start {
                    out.push(&path[start..i]);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < path.len() {
        out.push(&path[start..]);
    }
    out
}

/// The variables every batch starts with; cases that change `$v` end with [`RESET_V`].
const PREAMBLE: &[&str] = &[
    "defvar hosts /files/etc/hosts/*",
    "defvar users /files/etc/passwd/*",
    "defvar none /files/nothing",
    "defvar root /",
    "defvar n 3",
    "defvar s 'localhost'",
    "defvar b count(/files/etc/hosts/*) > 2",
    "defvar r regexp('.*a.*')",
    "defvar v /files/etc/hosts/1",
];

/// Puts `$v` back as [`PREAMBLE`] defines it.
const RESET_V: &str = "defvar v /files/etc/hosts/1";

/// The command whose error separates cases on standard error (it also resets
/// `/augeas/error`), and the error it gives, as C prints it.
const ERR_MARK: &str = "get /m)";
const ERR_MARK_OUT: &str =
    "error: Invalid path expression\nerror: garbage at end of path expression\n/m|=|)\n";

/// How a case ended in one tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The next marker came.
    Done,
    /// The process died of a signal during the case.
    Crashed,
    /// The batch ran out of time during the case.
    Hung,
    /// The process exited during the case.
    Exited,
}

/// One tool's output for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRun {
    /// Standard output.
    pub out: String,
    /// Standard error, with augtool-rs's `^` lines turned into C's `|=|` marks.
    pub err: String,
    /// How the case ended.
    pub end: End,
}

/// Where the tools run: the programs and the shared root.
pub struct Bench {
    c: PathBuf,
    rs: PathBuf,
    root: tempfile::TempDir,
    home: tempfile::TempDir,
    opts: Vec<String>,
    /// C's `/augeas/files/FILE/lens/info` values with augtool-rs's for the same files.
    lens_info: Vec<(String, String)>,
}

impl Bench {
    /// A bench on a fresh copy of the sample root, or `None` without C augtool.
    pub fn new() -> Option<Bench> {
        let mut b = Bench {
            c: c_augtool()?,
            rs: augtool_rs(),
            root: root_copy(),
            home: tempfile::tempdir().unwrap(),
            opts: options(),
            lens_info: Vec::new(),
        };
        let case = vec!["match /augeas/files//lens/info".to_owned()];
        let c = b.run_all(&b.c, std::slice::from_ref(&case));
        let rs = b.run_all(&b.rs, std::slice::from_ref(&case));
        let values = |r: &CaseRun| -> Vec<(String, String)> {
            r.out
                .lines()
                .filter_map(|l| l.split_once(" = "))
                .map(|(p, v)| (p.to_owned(), v.to_owned()))
                .collect()
        };
        let rs_values = values(&rs[0]);
        for (path, cv) in values(&c[0]) {
            if let Some((_, rv)) = rs_values.iter().find(|(p, _)| *p == path)
                && *rv != cv
                && !b.lens_info.iter().any(|(c, _)| *c == cv)
            {
                b.lens_info.push((cv, rv.clone()));
            }
        }
        Some(b)
    }

    /// C's run with its lens info values replaced by augtool-rs's.
    fn with_rs_lens_info(&self, run: &CaseRun) -> CaseRun {
        let mut r = run.clone();
        for (c, rs) in &self.lens_info {
            r.out = r.out.replace(c.as_str(), rs);
            r.err = r.err.replace(c.as_str(), rs);
        }
        r
    }

    /// Runs `cases` through `program`, as many per process as it survives.
    pub fn run_all(&self, program: &Path, cases: &[Vec<String>]) -> Vec<CaseRun> {
        let mut out = Vec::with_capacity(cases.len());
        while out.len() < cases.len() {
            let rest = &cases[out.len()..];
            let runs = self.run_batch(program, rest);
            assert!(!runs.is_empty(), "no case ran");
            out.extend(runs);
        }
        out
    }

    /// Runs one process over `cases`; returns the cases up to the one it stopped in.
    fn run_batch(&self, program: &Path, cases: &[Vec<String>]) -> Vec<CaseRun> {
        let mut script = String::new();
        for p in PREAMBLE {
            script.push_str(p);
            script.push('\n');
        }
        for (i, c) in cases.iter().enumerate() {
            let _ = writeln!(script, "{ERR_MARK}\nget /m_{i}");
            for cmd in c {
                script.push_str(cmd);
                script.push('\n');
            }
        }
        let _ = writeln!(script, "{ERR_MARK}\nget /m_{}", cases.len());
        let is_c = program == self.c;
        let root = self.root.path().to_str().unwrap();
        let mut cmd = if is_c {
            // Line-buffered, so that nothing is lost when it crashes.
            let mut c = Command::new("stdbuf");
            c.arg("-oL").arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.arg("-r").arg(root).args(&self.opts);
        let mut child = cmd
            .env("HOME", self.home.path())
            .env("AUG_RS_CACHE_DIR", cache_dir())
            .env_remove("AUGEAS_ROOT")
            .env_remove("AUGEAS_LENS_LIB")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(script.as_bytes());
        });
        let mut so = child.stdout.take().unwrap();
        let mut se = child.stderr.take().unwrap();
        let r_out = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = so.read_to_end(&mut v);
            v
        });
        let r_err = std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = se.read_to_end(&mut v);
            v
        });
        let deadline = Instant::now() + Duration::from_secs(60 + cases.len() as u64 / 10);
        let mut hung = false;
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                hung = true;
                break child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(2));
        };
        let _ = writer.join();
        let out = String::from_utf8_lossy(&r_out.join().unwrap()).into_owned();
        let err = String::from_utf8_lossy(&r_err.join().unwrap()).into_owned();
        let err = if is_c { err } else { carets_to_marks(&err) };
        let out = out.replace(root, "ROOT");
        let err = err.replace(root, "ROOT");
        let stopped = if hung {
            End::Hung
        } else if status.code().is_none() {
            End::Crashed
        } else {
            End::Exited
        };
        split(&out, &err, cases.len(), stopped)
    }
}

/// Splits a batch's outputs at the markers into the cases that ran; the last one gets
/// `stopped` if the batch did not reach its end marker.
fn split(out: &str, err: &str, n: usize, stopped: End) -> Vec<CaseRun> {
    // `outs[k]` is what came after marker k and before marker k + 1.
    let mut outs: Vec<String> = Vec::new();
    let mut seen = 0usize;
    let mut cur = String::new();
    for line in out.split_inclusive('\n') {
        if seen <= n && line.trim_end_matches('\n') == format!("/m_{seen} (o)") {
            if seen > 0 {
                outs.push(std::mem::take(&mut cur));
            }
            cur.clear();
            seen += 1;
        } else {
            cur.push_str(line);
        }
    }
    let errs: Vec<&str> = err.split(ERR_MARK_OUT).skip(1).collect();
    let err_of = |k: usize| errs.get(k).copied().unwrap_or("").to_owned();
    let mut runs: Vec<CaseRun> = outs
        .into_iter()
        .enumerate()
        .map(|(k, out)| CaseRun {
            out,
            err: err_of(k),
            end: End::Done,
        })
        .collect();
    if seen <= n {
        // The batch stopped in case `seen - 1` (or before the first case).
        let k = seen.saturating_sub(1);
        runs.push(CaseRun {
            out: cur,
            err: if seen == 0 { err.to_owned() } else { err_of(k) },
            end: stopped,
        });
    }
    runs
}

/// augtool-rs shows the position of a path error with a line holding `^` under the
/// expression; C marks it with `|=|` inside the expression. Turns the former into the
/// latter (the accepted difference `caret`).
fn carets_to_marks(err: &str) -> String {
    let lines: Vec<&str> = err.split_inclusive('\n').collect();
    let mut out = String::with_capacity(err.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(next) = lines.get(i + 1) {
            let t = next.trim_end_matches('\n');
            if t.ends_with('^') && t[..t.len() - 1].bytes().all(|b| b == b' ') {
                let col = t.len() - 1;
                let body = line.strip_suffix('\n').unwrap_or(line);
                let at = body.char_indices().nth(col).map_or(body.len(), |(i, _)| i);
                let _ = writeln!(out, "{}|=|{}", &body[..at], &body[at..]);
                i += 2;
                continue;
            }
        }
        out.push_str(line);
        i += 1;
    }
    out
}

/// Both tools' runs of one case.
#[derive(Debug)]
pub struct Disagreement {
    /// The commands.
    pub case: Vec<String>,
    /// C augtool's run.
    pub c: CaseRun,
    /// augtool-rs's run.
    pub rs: CaseRun,
}

/// A difference between C augtool and augtool-rs that is expected, with why, and how it
/// is checked.
#[derive(Debug)]
pub struct Accepted {
    /// A short name, used in the figures.
    pub name: &'static str,
    /// Why the difference is right.
    pub why: &'static str,
    /// How a disagreement is found to be this difference.
    pub check: Check,
}

/// How an accepted difference is checked.
#[derive(Debug)]
pub enum Check {
    /// Undone in augtool-rs's output before comparing.
    Undone,
    /// By the runs alone.
    Runs(fn(&Bench, &Disagreement) -> bool),
    /// By running a variant of the case through both tools: `variant` gives it (`None`
    /// when the disagreement cannot be this difference), `verdict` judges the runs of
    /// the variant (C's, then augtool-rs's).
    Rerun {
        /// The case to run instead.
        variant: fn(&Disagreement) -> Option<Vec<String>>,
        /// Whether the runs of the variant show the difference is this one.
        verdict: fn(&Disagreement, &CaseRun, &CaseRun) -> bool,
    },
}

/// The accepted differences. Everything else is a failure. Each one is also in the README's
/// "Differences from Augeas 1.14" (`- Path language:`).
pub const ACCEPTED: &[Accepted] = &[
    Accepted {
        name: "caret",
        why: "augtool-rs shows where a path expression went wrong with `^` under the column, \
              on a line of its own after the line it points into; C marks the column with \
              `|=|` inside the expression. Checked: undone before comparing (the column \
              must be C's).",
        check: Check::Undone,
    },
    Accepted {
        name: "c-crashed",
        why: "C augtool crashed (a signal); a crash is no model. Seen: sibling axes of the \
              root node (a segfault), a variable holding a boolean used in an expression (an \
              assertion), a `defvar` whose regexp does not compile. Checked: the case alone \
              crashes C and not augtool-rs.",
        check: Check::Rerun {
            variant: |d| (d.c.end == End::Crashed && d.rs.end == End::Done).then(|| d.case.clone()),
            verdict: |_, c, rs| c.end == End::Crashed && rs.end == End::Done,
        },
    },
    Accepted {
        name: "c-defvar-bad-regexp",
        why: "a `defvar` whose value is a regexp that does not compile: augtool-rs reports \
              the error and leaves the variable undefined; C reports nothing and leaves the \
              variable broken (or crashes). Checked: the defvar alone reports nothing in C \
              (or crashes it), and augtool-rs reports `invalid regular expression`.",
        check: Check::Rerun {
            variant: |d| {
                let first = d.case.first()?;
                (first.starts_with("defvar ") && d.rs.err.contains("invalid regular expression"))
                    .then(|| vec![first.clone()])
            },
            verdict: |_, c, rs| {
                (c.end == End::Crashed || c.err.is_empty())
                    && rs.err.contains("error: invalid regular expression")
            },
        },
    },
    Accepted {
        name: "lens-info",
        why: "`/augeas/files/FILE/lens/info` names the lens (`Cron.lns`) instead of a \
              position in a `.aug` file. Checked: with C's values replaced by augtool-rs's, \
              both tools agree.",
        check: Check::Runs(|b, d| b.with_rs_lens_info(&d.c) == d.rs),
    },
    Accepted {
        name: "lens-info-by-value",
        why: "as lens-info, where the nodes an expression matches depend on those values. \
              Checked: with those nodes removed first, both tools agree.",
        check: Check::Rerun {
            variant: |d| {
                let mut case = vec!["rm /augeas/files//lens/info".to_owned()];
                case.extend(d.case.iter().cloned());
                Some(case)
            },
            verdict: |_, c, rs| c == rs,
        },
    },
];

/// How one case went.
#[derive(Debug)]
pub enum Verdict {
    /// Same output.
    Agree,
    /// A documented difference, by name.
    Accepted(&'static str, Box<Disagreement>),
    /// Anything else.
    Failure(Disagreement),
}

/// Runs `cases` through both tools and judges each; the checks that run variants of the
/// cases run them all in one batch per difference.
pub fn judge_all(b: &Bench, cases: &[Vec<String>]) -> Vec<Verdict> {
    let c = b.run_all(&b.c, cases);
    let rs = b.run_all(&b.rs, cases);
    let mut verdicts: Vec<Verdict> = cases
        .iter()
        .zip(c.into_iter().zip(rs))
        .map(|(case, (c, rs))| {
            if c == rs {
                Verdict::Agree
            } else {
                Verdict::Failure(Disagreement {
                    case: case.clone(),
                    c,
                    rs,
                })
            }
        })
        .collect();
    for a in ACCEPTED {
        if let Check::Runs(same) = &a.check {
            for v in &mut verdicts {
                if let Verdict::Failure(d) = v
                    && same(b, d)
                {
                    accept(v, a.name);
                }
            }
        }
        let Check::Rerun { variant, verdict } = &a.check else {
            continue;
        };
        let mut which = Vec::new();
        let mut variants = Vec::new();
        for (i, v) in verdicts.iter().enumerate() {
            if let Verdict::Failure(d) = v
                && let Some(case) = variant(d)
            {
                which.push(i);
                variants.push(case);
            }
        }
        if variants.is_empty() {
            continue;
        }
        let c = b.run_all(&b.c, &variants);
        let rs = b.run_all(&b.rs, &variants);
        for (k, &i) in which.iter().enumerate() {
            let (Some(cv), Some(rv)) = (c.get(k), rs.get(k)) else {
                continue;
            };
            if let Some(Verdict::Failure(d)) = verdicts.get(i)
                && verdict(d, cv, rv)
                && let Some(slot) = verdicts.get_mut(i)
            {
                accept(slot, a.name);
            }
        }
    }
    verdicts
}

/// Turns a failure into the accepted difference `name`.
fn accept(v: &mut Verdict, name: &'static str) {
    if let Verdict::Failure(d) = std::mem::replace(v, Verdict::Agree) {
        *v = Verdict::Accepted(name, Box::new(d));
    }
}

/// The ways to make a case smaller: drop a command, or cut a piece out of one command's
/// argument (halves, quarters, ... down to single characters).
fn reductions(case: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if case.len() > 1 {
        for i in 0..case.len() {
            let mut c = case.to_vec();
            c.remove(i);
            out.push(c);
        }
    }
    for (i, cmd) in case.iter().enumerate() {
        let Some((verb, arg)) = cmd.split_once(' ') else {
            continue;
        };
        let (verb, arg) = match verb {
            "defvar" => match arg.split_once(' ') {
                Some((name, e)) => (format!("defvar {name}"), e),
                None => continue,
            },
            v => (v.to_owned(), arg),
        };
        let chars: Vec<char> = arg.chars().collect();
        let mut size = chars.len() / 2;
        while size >= 1 {
            let mut at = 0;
            while at < chars.len() {
                let end = (at + size).min(chars.len());
                let cut: String = chars[..at].iter().chain(&chars[end..]).collect();
                if !cut.is_empty() {
                    let mut c = case.to_vec();
                    c[i] = format!("{verb} {cut}");
                    out.push(c);
                }
                at += size;
            }
            size /= 2;
        }
    }
    out
}

/// Shrinks a failing case: keeps taking the first reduction that still fails (not an
/// accepted difference), trying them a batch at a time.
pub fn shrink(b: &Bench, case: &[String]) -> Vec<String> {
    let mut cur = case.to_vec();
    'outer: loop {
        let cands = reductions(&cur);
        for chunk in cands.chunks(200) {
            let verdicts = judge_all(b, chunk);
            if let Some(i) = verdicts
                .iter()
                .position(|v| matches!(v, Verdict::Failure(_)))
            {
                cur = chunk[i].clone();
                continue 'outer;
            }
        }
        return cur;
    }
}

/// A failure rendered for people: the case and what differs.
pub fn describe(d: &Disagreement) -> String {
    let mut s = String::from("case:\n");
    for c in &d.case {
        let _ = writeln!(s, "  {c}");
    }
    if d.c.end != d.rs.end {
        let _ = writeln!(
            s,
            "ended: augtool {:?} / augtool-rs {:?}",
            d.c.end, d.rs.end
        );
    }
    for (what, a, b) in [
        ("stdout", &d.c.out, &d.rs.out),
        ("stderr", &d.c.err, &d.rs.err),
    ] {
        if a != b {
            let diff = similar::TextDiff::from_lines(a, b)
                .unified_diff()
                .header("augtool", "augtool-rs")
                .to_string();
            let _ = writeln!(s, "{what} differs:\n{diff}");
        }
    }
    s
}

/// The figures of a run.
#[derive(Debug, Default)]
pub struct Figures {
    /// Cases run.
    pub cases: u64,
    /// Commands run (without the markers).
    pub commands: u64,
    /// Cases that agreed.
    pub agreed: u64,
    /// Accepted differences by name.
    pub accepted: BTreeMap<&'static str, u64>,
    /// Cases that failed.
    pub failed: u64,
    /// Shrunk failures (at most [`max_shrunk`]).
    pub failures: Vec<String>,
}

/// How many failures a run shrinks and prints (`$AUG_RS_PATH_FUZZ_SHRINK`, default 40); the
/// rest are only counted (and written to `$AUG_RS_PATH_FUZZ_DUMP` when it names a file).
fn max_shrunk() -> usize {
    std::env::var("AUG_RS_PATH_FUZZ_SHRINK")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40)
}

/// Appends an accepted difference named `name` to the file `$AUG_RS_PATH_FUZZ_DUMP_ACCEPTED`
/// names, if any (to see what the accepted differences are made of).
fn dump_accepted(name: &str, d: &Disagreement) {
    let Some(path) = std::env::var_os("AUG_RS_PATH_FUZZ_DUMP_ACCEPTED") else {
        return;
    };
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "accepted {name}\n{}", describe(d));
    }
}

/// Appends a failure to the file `$AUG_RS_PATH_FUZZ_DUMP` names, if any.
fn dump(d: &Disagreement) {
    let Some(path) = std::env::var_os("AUG_RS_PATH_FUZZ_DUMP") else {
        return;
    };
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "{}", describe(d));
    }
}

impl Figures {
    /// One line of figures.
    pub fn report(&self) -> String {
        let outside = self.cases - self.accepted.values().sum::<u64>();
        let mut s = format!(
            "{} cases ({} commands): {} agreed ({:.3}%; {:.3}% of the {} outside the \
             accepted differences)",
            self.cases,
            self.commands,
            self.agreed,
            100.0 * self.agreed as f64 / self.cases.max(1) as f64,
            100.0 * self.agreed as f64 / outside.max(1) as f64,
            outside,
        );
        for (name, n) in &self.accepted {
            let _ = write!(s, ", {n} {name}");
        }
        let _ = write!(s, ", {} failed", self.failed);
        s
    }

    /// The accepted differences seen, each with why it is accepted.
    pub fn explain(&self) -> String {
        let mut s = String::new();
        for a in ACCEPTED {
            if let Some(n) = self.accepted.get(a.name) {
                let _ = writeln!(s, "  {} ({n}): {}", a.name, a.why);
            }
        }
        s
    }
}

/// Generates the `n` cases of batch `seed`.
pub fn batch(vocab: &Vocab, seed: u64, n: usize) -> Vec<Vec<String>> {
    let mut g = Gen {
        rng: Rng::new(seed),
        vocab,
    };
    (0..n).map(|_| g.case()).collect()
}

/// Runs batches `seeds` of `size` cases (as many as `deadline` allows) on
/// `$AUG_RS_PATH_FUZZ_JOBS` threads (default 1).
pub fn campaign(
    vocab: &Vocab,
    seeds: std::ops::Range<u64>,
    size: usize,
    deadline: Option<Instant>,
) -> Figures {
    let next = AtomicU64::new(seeds.start);
    let figures = Mutex::new(Figures::default());
    let jobs: usize = std::env::var("AUG_RS_PATH_FUZZ_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(1);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                let bench = Bench::new().unwrap();
                loop {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return;
                    }
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= seeds.end {
                        return;
                    }
                    let cases = batch(vocab, seed, size);
                    let verdicts = judge_all(&bench, &cases);
                    let mut to_shrink = Vec::new();
                    {
                        let mut f = figures.lock().unwrap();
                        f.cases += cases.len() as u64;
                        f.commands += cases.iter().map(|c| c.len() as u64).sum::<u64>();
                        for (case, v) in cases.iter().zip(verdicts) {
                            match v {
                                Verdict::Agree => f.agreed += 1,
                                Verdict::Accepted(name, d) => {
                                    *f.accepted.entry(name).or_default() += 1;
                                    dump_accepted(name, &d);
                                }
                                Verdict::Failure(d) => {
                                    f.failed += 1;
                                    dump(&d);
                                    if f.failures.len() + to_shrink.len() < max_shrunk() {
                                        to_shrink.push(case.clone());
                                    }
                                }
                            }
                        }
                    }
                    for case in to_shrink {
                        let small = shrink(&bench, &case);
                        let msg = match judge_all(&bench, std::slice::from_ref(&small)).pop() {
                            Some(Verdict::Failure(d)) => {
                                format!("batch {seed}\n{}", describe(&d))
                            }
                            _ => format!("batch {seed} (did not shrink): {case:?}"),
                        };
                        eprintln!("FAILURE {msg}");
                        figures.lock().unwrap().failures.push(msg);
                    }
                }
            });
        }
    });
    figures.into_inner().unwrap()
}

/// Cases that once disagreed (issue 18), each run in a process of its own: they must now
/// agree, or differ only as documented. Path cases proper are in `aug-core`'s
/// `tests/data/path.tests`; these are about what augtool makes of them.
pub const REGRESSIONS: &[&[&str]] = &[
    &["match /files/etc/hosts/1[. x]"],
    &["match /files/etc[int(hosts) + 1 = 0]"],
    &["match /files/etc/hosts/*[1 or int(alias)]"],
    &["match /files//*[. =~ regexp('.*\n.*')]"],
    &["match $root/files"],
    &["match descendant-or-self::files"],
    &["defvar w /", "match $w/files", "match $w"],
    &[
        "get /files/root::*",
        "label /files/root::*",
        "get /",
        "label /",
    ],
    &["dump-xml /"],
    &["print /", "print //"],
    &["match (/files/etc/hosts/1|/files/etc/hosts/1)/*"],
    &["match /augeas//*[modified()]"],
    &[
        "match /files[1)",
        "print /augeas/error",
        "match /augeas//*[modified()]",
    ],
    &["dump-xml /files/etc/hosts/*[int(*)]", "dump-xml 9"],
    &["dump-xml /files/etc/passwd/*[. != '\u{c9}t\u{e9}']/uid"],
    &["get /files/etc/hosts/*[int(*)]", "get /files/etc/hosts/*"],
    &["match /files/etc/hosts/1[foo(]", "match 1 and", "match 1 |"],
    &["set /files/etc/hosts/1/descendant::x 1"],
    &["clear /files/etc/hosts/1/descendant::x"],
    &["touch /files/etc/hosts/1/descendant::x"],
    &["setm /files/etc/hosts/*[ipaddr] alias/x y"],
    &["clearm /files/etc/hosts/*[ipaddr] alias/x"],
    &[
        "mv /files/etc/hosts/1 $undefined/x",
        "cp /files/etc/hosts/1 $undefined/x",
    ],
    &[
        "defvar v regexp('a.*')",
        "match /files/etc/hosts/*[canonical =~ $v]",
    ],
];

/// The regressions and batches of fixed seeds agree with C augtool, or differ only as
/// documented.
#[test]
fn path_cases_agree_with_c() {
    let Some(bench) = Bench::new() else {
        eprintln!("skipped: C augtool is not installed");
        return;
    };
    let mut failures = Vec::new();
    for case in REGRESSIONS {
        let case: Vec<String> = case.iter().map(|s| (*s).to_owned()).collect();
        for v in judge_all(&bench, &[case]) {
            if let Verdict::Failure(d) = v {
                failures.push(format!("regression:\n{}", describe(&d)));
            }
        }
    }
    let vocab = Vocab::of_testroot();
    let figures = campaign(&vocab, 1..5, 500, None);
    eprintln!("path fuzz: {}", figures.report());
    failures.extend(figures.failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A long run by hand: `scripts/path-fuzz SECS [SEED]` sets `AUG_RS_PATH_FUZZ_SECS` (and
/// `AUG_RS_PATH_FUZZ_SEED`); without it this test does nothing.
#[test]
fn path_fuzz_long() {
    let Some(secs) = std::env::var("AUG_RS_PATH_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    else {
        return;
    };
    assert!(c_augtool().is_some(), "the long path fuzz needs C augtool");
    let seed: u64 = std::env::var("AUG_RS_PATH_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs() << 20)
        });
    let size: usize = std::env::var("AUG_RS_PATH_FUZZ_BATCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let vocab = Vocab::of_testroot();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    eprintln!("path fuzz: batches from {seed}, {size} cases each, {secs} s");
    let figures = campaign(&vocab, seed..u64::MAX, size, Some(deadline));
    eprintln!(
        "path fuzz: {} in {:.0} s\n{}",
        figures.report(),
        start.elapsed().as_secs_f64(),
        figures.explain()
    );
    assert!(
        figures.failures.is_empty(),
        "{}",
        figures.failures.join("\n")
    );
}

#[test]
fn words_survive_the_tokenizer() {
    use aug_core::srun::tokenizer::next_token;
    for e in [
        "/files/etc/hosts/*[ipaddr = '127.0.0.1']",
        "count(/files) > 1",
        "/a\\ b",
        "regexp('a\\\\b')",
        "'x y'",
        "/files/etc/hosts/1[. x]",
    ] {
        let w = quote(e, Kind::Path);
        let (tok, rest) = next_token(&w, Kind::Path).unwrap();
        assert_eq!((tok.as_str(), rest), (e, ""), "{e}");
    }
}

#[test]
fn reductions_drop_commands_and_cut_arguments() {
    let case = vec!["defvar v /a/b".to_owned(), "match $v".to_owned()];
    let r = reductions(&case);
    assert!(r.contains(&vec!["match $v".to_owned()]));
    assert!(r.contains(&vec!["defvar v /a".to_owned(), "match $v".to_owned()]));
    assert!(r.contains(&vec!["defvar v /a/b".to_owned(), "match v".to_owned()]));
    // The variable's name is never cut.
    assert!(
        r.iter()
            .all(|c| c.len() < 2 || c[0].starts_with("defvar v "))
    );
}

#[test]
fn carets_become_marks() {
    assert_eq!(
        carets_to_marks("error: x\n/a[b\n   ^\nnext\n"),
        "error: x\n/a[|=|b\nnext\n"
    );
    assert_eq!(carets_to_marks("/m)\n  ^\n"), "/m|=|)\n");
}
