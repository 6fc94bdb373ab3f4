//! The augtool command-line tokenizer: splitting a command line into words the way
//! Augeas's `aug_srun` does (quotes, concatenation, backslash escapes, brackets in path
//! arguments), with its exact error messages.
//!
//! The grammar is written with nom combinators: a word is a run of pieces (plain text, a
//! backslash escape, a quoted string, a bracketed part of a path) up to a blank outside
//! quotes and brackets. nom stays inside this file: [`next_token`] returns our own
//! [`TokenError`].

use std::fmt;

use nom::branch::alt;
use nom::bytes::complete::take_till1;
use nom::character::complete::{char, satisfy, space0};
use nom::combinator::{map, opt, recognize, value};
use nom::error::{ErrorKind, ParseError};
use nom::multi::fold_many0;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

/// How an argument is tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A path expression: blanks and quotes inside `[...]` are kept, brackets must
    /// balance, trailing `/` and blanks are dropped.
    Path,
    /// A plain string.
    Str,
}

/// A tokenizer error; its `Display` is the message augtool prints as the error details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// `unmatched [`: a `]` without `[`, or a `[` never closed (path arguments only).
    UnmatchedBracket,
    /// `unmatched "` or `unmatched '`.
    UnmatchedQuote(char),
    /// `unknown escape sequence: X` (empty when the line ends with a backslash).
    UnknownEscape(Option<char>),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::UnmatchedBracket => f.write_str("unmatched ["),
            TokenError::UnmatchedQuote(q) => write!(f, "unmatched {q}"),
            TokenError::UnknownEscape(c) => {
                write!(f, "unknown escape sequence: ")?;
                match c {
                    Some(c) => write!(f, "{c}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for TokenError {}

/// Whether `c` is a blank (space or tab), as C's `isblank`.
pub fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Characters that keep their backslash: they are special in path expressions.
const PATH_ESCAPES: &[char] = &['[', ']', '|', '/', '=', '(', ')', '!', ','];

/// Reads one word from the start of `line` (leading blanks are skipped). Returns the word
/// and the rest of the line after the blank that ended it.
pub fn next_token(line: &str, kind: Kind) -> Result<(String, &str), TokenError> {
    let word = preceded(space0, fold_many0(piece(kind), String::new, push));
    match (word, opt(satisfy(is_blank))).parse(line) {
        Ok((rest, (word, _))) => Ok((word, rest)),
        Err(nom::Err::Error(Stop::Token(e)) | nom::Err::Failure(Stop::Token(e))) => Err(e),
        // Every piece consumes input and the parsers are complete, so the word parser
        // cannot come back empty-handed; were it to, the line is used up rather than
        // read again forever.
        Err(nom::Err::Error(Stop::NoMatch) | nom::Err::Failure(Stop::NoMatch))
        | Err(nom::Err::Incomplete(_)) => Ok((String::new(), "")),
    }
}

/// Writes `word` as one word of a command line, so that [`next_token`] with the same `kind`
/// reads it back unchanged: the tokenizer's inverse, for programs that write augtool
/// scripts.
///
/// A string becomes `"..."` with `"`, `\\`, tab and newline escaped. A path keeps the
/// backslash of the escapes the path parser needs (`\[`, `\/`, ...), doubles other
/// backslashes, writes tab and newline as `\t` and `\n`, and escapes blanks and quotes
/// outside brackets; its brackets must balance, as a path argument's must. An empty
/// path is `''`. (augtool drops trailing blanks from a path argument even when escaped,
/// so a path ending in a blank cannot be passed at all.)
///
/// ```
/// use aug_core::srun::tokenizer::{Kind, next_token, quote};
/// let w = quote("/files/etc/hosts/*[alias = 'a b']/x y", Kind::Path);
/// assert_eq!(w, "/files/etc/hosts/*[alias = 'a b']/x\\ y");
/// assert_eq!(next_token(&w, Kind::Path).unwrap().0, "/files/etc/hosts/*[alias = 'a b']/x y");
/// assert_eq!(quote("say \"hi\"", Kind::Str), "\"say \\\"hi\\\"\"");
/// ```
pub fn quote(word: &str, kind: Kind) -> String {
    let mut out = String::with_capacity(word.len() + 8);
    if kind == Kind::Str {
        out.push('"');
        for c in word.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
        return out;
    }
    let mut depth = 0i32;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&n) if PATH_ESCAPES.contains(&n) => {
                    out.push('\\');
                    out.push(n);
                    chars.next();
                }
                _ => out.push_str("\\\\"),
            },
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '[' => {
                depth += 1;
                out.push(c);
            }
            ']' => {
                depth -= 1;
                out.push(c);
            }
            ' ' | '\'' | '"' if depth <= 0 => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        out.push_str("''");
    }
    out
}

/// Why a parser stopped: nothing matched here (nom backtracks and tries the next
/// alternative, or ends a repetition), or the line is wrong (a nom failure, passed up
/// unchanged to [`next_token`]).
#[derive(Debug)]
enum Stop {
    NoMatch,
    Token(TokenError),
}

impl ParseError<&str> for Stop {
    fn from_error_kind(_: &str, _: ErrorKind) -> Self {
        Stop::NoMatch
    }

    fn append(_: &str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// What our parsers return: nom's result, with [`Stop`] as the error.
type Res<'a, T> = IResult<&'a str, T, Stop>;

/// What a piece of a word adds to the word.
#[derive(Debug, Clone)]
enum Piece<'a> {
    /// Text copied from the line as it is.
    Text(&'a str),
    /// The character an escape stands for.
    Char(char),
    /// A quoted or bracketed part, already read.
    Part(String),
}

/// Adds `piece` to `word`.
fn push(mut word: String, piece: Piece<'_>) -> String {
    match piece {
        Piece::Text(t) => word.push_str(t),
        Piece::Char(c) => word.push(c),
        Piece::Part(p) => word.push_str(&p),
    }
    word
}

/// A parser that ends tokenizing with `error`.
fn fail_with<'a, T>(error: TokenError) -> impl Fn(&'a str) -> Res<'a, T> {
    move |_| Err(nom::Err::Failure(Stop::Token(error.clone())))
}

/// Whether `c` is a bracket that counts in a word of this kind (path arguments only).
fn is_bracket(kind: Kind, c: char) -> bool {
    kind == Kind::Path && (c == '[' || c == ']')
}

/// A piece of a word outside quotes; none matches at a blank or at the end of the line,
/// which ends the word.
fn piece<'a>(kind: Kind) -> impl Parser<&'a str, Output = Piece<'a>, Error = Stop> {
    alt((
        plain(move |c| is_blank(c) || c == '\\' || c == '\'' || c == '"' || is_bracket(kind, c)),
        escape(None),
        quoted('\'', kind),
        quoted('"', kind),
        brackets(kind, None),
    ))
}

/// A run of characters copied as they are, up to one for which `special` holds.
fn plain<'a>(
    special: impl Fn(char) -> bool,
) -> impl Parser<&'a str, Output = Piece<'a>, Error = Stop> {
    map(take_till1(special), Piece::Text)
}

/// A string between quotes `q`, the quotes dropped: blanks and the other quote are
/// ordinary characters inside; in a path, brackets still count.
fn quoted<'a>(q: char, kind: Kind) -> impl Parser<&'a str, Output = Piece<'a>, Error = Stop> {
    let inside = alt((
        plain(move |c| c == q || c == '\\' || is_bracket(kind, c)),
        escape(Some(q)),
        brackets(kind, Some(q)),
    ));
    map(
        delimited(
            char(q),
            fold_many0(inside, String::new, push),
            alt((char(q), fail_with(TokenError::UnmatchedQuote(q)))),
        ),
        Piece::Part,
    )
}

/// A backslash and what follows it, inside quotes `quote` (or none).
fn escape<'a>(quote: Option<char>) -> impl Parser<&'a str, Output = Piece<'a>, Error = Stop> {
    // Kept with the backslash: the path escapes (for the path parser, and not counted as
    // brackets), and inside quotes a blank or the other quote.
    let kept = move |c: char| {
        PATH_ESCAPES.contains(&c)
            || quote.is_some_and(|q| c != q && (is_blank(c) || c == '\'' || c == '"'))
    };
    let unknown = |rest: &'a str| -> Res<'a, Piece<'a>> {
        let e = TokenError::UnknownEscape(rest.chars().next());
        Err(nom::Err::Failure(Stop::Token(e)))
    };
    alt((
        map(recognize((char('\\'), satisfy(kept))), Piece::Text),
        preceded(
            char('\\'),
            alt((
                value(Piece::Char('\t'), char('t')),
                value(Piece::Char('\n'), char('n')),
                map(
                    satisfy(|c| c == '\\' || c == '\'' || c == '"' || is_blank(c)),
                    Piece::Char,
                ),
                unknown,
            )),
        ),
    ))
}

/// In a path, a bracketed part, or a `]` that closes nothing (an error); in a string,
/// nothing.
fn brackets<'a>(
    kind: Kind,
    quote: Option<char>,
) -> impl Parser<&'a str, Output = Piece<'a>, Error = Stop> {
    let mut brackets = alt((
        group(quote),
        preceded(char(']'), fail_with(TokenError::UnmatchedBracket)),
    ));
    move |input: &'a str| match kind {
        Kind::Path => brackets.parse(input),
        Kind::Str => Err(nom::Err::Error(Stop::NoMatch)),
    }
}

/// What is inside brackets: text, or a bracket that opens or closes a nested part.
#[derive(Debug, Clone)]
enum Inner<'a> {
    Piece(Piece<'a>),
    Open,
    Close,
}

/// A `[` and everything up to its matching `]`, kept as it is: blanks and quotes inside do
/// not end the word or open a string. Escapes are read as inside the quotes `quote`
/// around the brackets. Nesting is counted rather than recursed into, so deep nesting
/// cannot overflow the stack.
fn group<'a>(quote: Option<char>) -> impl Parser<&'a str, Output = Piece<'a>, Error = Stop> {
    move |input: &'a str| -> Res<'a, Piece<'a>> {
        let (mut rest, _) = char('[').parse(input)?;
        let mut inner = alt((
            map(plain(|c| c == '\\' || c == '[' || c == ']'), Inner::Piece),
            map(escape(quote), Inner::Piece),
            value(Inner::Open, char('[')),
            value(Inner::Close, char(']')),
            fail_with(TokenError::UnmatchedBracket),
        ));
        let mut part = String::from("[");
        let mut depth = 1usize;
        while depth > 0 {
            let (r, next) = inner.parse(rest)?;
            rest = r;
            match next {
                Inner::Piece(piece) => part = push(part, piece),
                Inner::Open => {
                    depth += 1;
                    part.push('[');
                }
                Inner::Close => {
                    depth -= 1;
                    part.push(']');
                }
            }
        }
        Ok((rest, Piece::Part(part)))
    }
}

/// Drops trailing `/` and whitespace from a path argument, unless it is just `/`
/// (Augeas's `cleanpath`).
pub fn clean_path(mut path: String) -> String {
    if path == "/" {
        return path;
    }
    while path.ends_with(|c: char| c == '/' || c.is_ascii_whitespace()) {
        path.pop();
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[track_caller]
    fn check(line: &str, kind: Kind, want: Result<(&str, &str), &str>) {
        let got = next_token(line, kind).map_err(|e| e.to_string());
        let got = got
            .as_ref()
            .map(|(t, r)| (t.as_str(), *r))
            .map_err(String::as_str);
        assert_eq!(got, want, "tokenizing {line:?}");
    }

    #[test]
    fn words_and_quotes() {
        check("  get /a b", Kind::Str, Ok(("get", "/a b")));
        check("\"/fi\"les x", Kind::Path, Ok(("/files", "x")));
        check("'a b'", Kind::Str, Ok(("a b", "")));
        check("\"a'b\"", Kind::Str, Ok(("a'b", "")));
        check("\"abc", Kind::Str, Err("unmatched \""));
    }

    #[test]
    fn escapes() {
        check(r"a\ b", Kind::Str, Ok(("a b", "")));
        check(r#""a\ b""#, Kind::Str, Ok((r"a\ b", "")));
        check(r"a\tb", Kind::Str, Ok(("a\tb", "")));
        check(r"a\nb", Kind::Str, Ok(("a\nb", "")));
        check(r"a\\b", Kind::Str, Ok((r"a\b", "")));
        check(r"'a\'b'", Kind::Str, Ok(("a'b", "")));
        check(r#""a\'b""#, Kind::Str, Ok((r"a\'b", "")));
        check(r"/r\[x\]", Kind::Path, Ok((r"/r\[x\]", "")));
        check(r"a\qb", Kind::Str, Err("unknown escape sequence: q"));
        check("x\\", Kind::Str, Err("unknown escape sequence: "));
    }

    #[test]
    fn brackets() {
        check("/a[. = 'x y'] v", Kind::Path, Ok(("/a[. = 'x y']", "v")));
        check("/a[1]] v", Kind::Path, Err("unmatched ["));
        check("/a[1", Kind::Path, Err("unmatched ["));
        check("a]b", Kind::Str, Ok(("a]b", "")));
    }

    /// In a path, brackets count inside quotes, and quotes do not count inside brackets;
    /// escapes inside brackets are read as inside the quotes around them.
    #[test]
    fn quotes_and_brackets() {
        check("/a[x 'y ] z", Kind::Path, Ok(("/a[x 'y ]", "z")));
        check("\"a[b'c]\" x", Kind::Path, Ok(("a[b'c]", "x")));
        check(r#""[\ ]""#, Kind::Path, Ok((r"[\ ]", "")));
        check(r"[\ ]", Kind::Path, Ok(("[ ]", "")));
        check("'a[b'", Kind::Path, Err("unmatched ["));
        check("'a[b'", Kind::Str, Ok(("a[b", "")));
        check("'a]'", Kind::Path, Err("unmatched ["));
        let deep = format!("{}{} r", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(
            next_token(&deep, Kind::Path).map(|(t, r)| (t.len(), r)),
            Ok((200_000, "r"))
        );
    }

    /// Characters that exercise every rule: quotes, backslashes, blanks, brackets, the
    /// escape letters, the path escapes, an unknown escape letter and a multi-byte char.
    const HARD: &[char] = &[
        '\'', '"', '\\', ' ', '\t', '[', ']', '\n', 'a', 'b', 't', 'n', 'q', '/', '=', '|', '(',
        ')', '!', ',', 'é',
    ];

    /// Random lines over `alphabet`.
    fn line(alphabet: &'static [char]) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(alphabet), 0..40)
            .prop_map(|cs| cs.into_iter().collect())
    }

    fn kind() -> impl Strategy<Value = Kind> {
        prop_oneof![Just(Kind::Path), Just(Kind::Str)]
    }

    /// Writes `word` so that it reads back as itself in a string argument.
    fn escape(word: &str) -> String {
        let mut out = String::new();
        for c in word.chars() {
            match c {
                '\\' | ' ' | '\'' | '"' => {
                    out.push('\\');
                    out.push(c);
                }
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                _ => out.push(c),
            }
        }
        out
    }

    /// Writes `word` between single quotes so that it reads back as itself.
    fn single_quote(word: &str) -> String {
        format!("'{}'", word.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    proptest! {
        #[test]
        fn rest_is_a_shorter_suffix(line in line(HARD), kind in kind()) {
            if let Ok((_, rest)) = next_token(&line, kind) {
                prop_assert!(line.ends_with(rest));
                prop_assert!(line.is_empty() || rest.len() < line.len());
            }
        }

        #[test]
        fn without_brackets_a_path_is_a_string(
            line in line(&['\'', '"', '\\', ' ', '\t', '\n', 'a', 't', 'n', 'q', '/', '=', 'é'])
        ) {
            prop_assert_eq!(next_token(&line, Kind::Path), next_token(&line, Kind::Str));
        }

        #[test]
        fn escaped_words_read_back(word in line(HARD), rest in line(HARD)) {
            if !word.is_empty() {
                let line = format!(" \t{} {rest}", escape(&word));
                prop_assert_eq!(next_token(&line, Kind::Str), Ok((word.clone(), rest.as_str())));
            }
            let line = format!("{}\t{rest}", single_quote(&word));
            prop_assert_eq!(next_token(&line, Kind::Str), Ok((word, rest.as_str())));
        }

        #[test]
        fn quoted_words_read_back(word in line(HARD), rest in line(HARD)) {
            let line = format!("{} {rest}", quote(&word, Kind::Str));
            prop_assert_eq!(next_token(&line, Kind::Str), Ok((word.clone(), rest.as_str())));
            if balanced(&word) {
                let line = format!("{}\t{rest}", quote(&word, Kind::Path));
                prop_assert_eq!(next_token(&line, Kind::Path), Ok((word, rest.as_str())));
            }
        }
    }

    /// Whether the brackets of a path balance (a backslash escapes a bracket after it).
    fn balanced(path: &str) -> bool {
        let mut depth = 0i32;
        let mut chars = path.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next_if(|n| PATH_ESCAPES.contains(n));
                }
                '[' => depth += 1,
                ']' if depth == 0 => return false,
                ']' => depth -= 1,
                _ => {}
            }
        }
        depth == 0
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean_path("/a/b//".into()), "/a/b");
        assert_eq!(clean_path("/".into()), "/");
        assert_eq!(clean_path("//".into()), "");
    }
}
