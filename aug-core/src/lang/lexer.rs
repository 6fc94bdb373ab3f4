//! The lexer of the `.aug` lens language: tokens, nested comments, string and regexp
//! escapes, identifiers and keywords, each token with its source position.

use super::LangError;
use crate::error::Span;

/// One token of the lens language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A lower-case identifier (`[a-z_][A-Za-z0-9_]*`), including `get` and `put`.
    Lid(String),
    /// An upper-case identifier (`[A-Z][A-Za-z0-9_]*`).
    Uid(String),
    /// A qualified identifier `Module.name`.
    Qid(String, String),
    /// A string literal, escapes decoded.
    Str(String),
    /// A regexp literal, the lexer's escapes decoded, and its `/i` flag.
    Re(String, bool),
    Module,
    Let,
    LetRec,
    In,
    Autoload,
    Test,
    After,
    // Punctuation.
    Bar,
    Star,
    Question,
    Plus,
    LParen,
    RParen,
    Eq,
    Colon,
    Semi,
    Dot,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Minus,
    Arrow,
    Eof,
}

impl Tok {
    /// The token's name in Augeas's grammar, as bison's syntax errors name it.
    pub(crate) fn bison_name(&self) -> String {
        match self {
            Tok::Lid(_) => "LIDENT".into(),
            Tok::Uid(_) => "UIDENT".into(),
            Tok::Qid(..) => "QIDENT".into(),
            Tok::Str(_) => "DQUOTED".into(),
            Tok::Re(..) => "REGEXP".into(),
            Tok::Module => "KW_MODULE".into(),
            Tok::Let => "KW_LET".into(),
            Tok::LetRec => "KW_LET_REC".into(),
            Tok::In => "KW_IN".into(),
            Tok::Autoload => "KW_AUTOLOAD".into(),
            Tok::Test => "KW_TEST".into(),
            Tok::After => "KW_AFTER".into(),
            Tok::Arrow => "ARROW".into(),
            Tok::Eof => "$end".into(),
            other => other.describe(),
        }
    }

    /// How the token appears in error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Lid(s) | Tok::Uid(s) => format!("identifier '{s}'"),
            Tok::Qid(m, n) => format!("identifier '{m}.{n}'"),
            Tok::Str(_) => "a string".into(),
            Tok::Re(..) => "a regexp".into(),
            Tok::Module => "'module'".into(),
            Tok::Let => "'let'".into(),
            Tok::LetRec => "'let rec'".into(),
            Tok::In => "'in'".into(),
            Tok::Autoload => "'autoload'".into(),
            Tok::Test => "'test'".into(),
            Tok::After => "'after'".into(),
            Tok::Bar => "'|'".into(),
            Tok::Star => "'*'".into(),
            Tok::Question => "'?'".into(),
            Tok::Plus => "'+'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Eq => "'='".into(),
            Tok::Colon => "':'".into(),
            Tok::Semi => "';'".into(),
            Tok::Dot => "'.'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::LBrace => "'{'".into(),
            Tok::RBrace => "'}'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Arrow => "'->'".into(),
            Tok::Eof => "end of file".into(),
        }
    }
}

/// Splits `src` into tokens; the last one is always [`Tok::Eof`].
#[cfg(test)]
pub(crate) fn lex(file: &str, src: &str) -> Result<Vec<(Tok, Span)>, LangError> {
    Ok(lex_ranges(file, src)?
        .into_iter()
        .map(|t| (t.tok, t.start))
        .collect())
}

/// A token and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    /// Its first byte.
    pub(crate) start: Span,
    /// Just past its last byte.
    pub(crate) end: Span,
    /// Where Augeas's lexer says it starts: where the blanks (or comment) before it end,
    /// so that a token glued to the previous one (`(del`, `].(store`) starts where that
    /// one does. Augeas's positions of expressions start there.
    pub(crate) glued: Span,
}

/// Splits `src` into tokens, each with its range (see [`Token`]); the last one is always
/// [`Tok::Eof`].
pub(crate) fn lex_ranges(file: &str, src: &str) -> Result<Vec<Token>, LangError> {
    let mut lx = Lexer {
        file,
        src: src.as_bytes(),
        pos: 0,
        out: Vec::new(),
        cursor: (0, 1, 0),
    };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    file: &'a str,
    src: &'a [u8],
    pos: usize,
    out: Vec<Token>,
    /// `(offset, line, line_start)` of the last token, so that spans are computed in one
    /// pass over the file rather than by rescanning it from the start for every token.
    cursor: (usize, usize, usize),
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.src.get(self.pos + k).copied()
    }

    /// The span of `offset`, which must not precede the previous token's.
    fn span_at(&mut self, offset: usize) -> Span {
        let (from, mut line, mut line_start) = self.cursor;
        if offset < from || offset > self.src.len() {
            return Span::at(self.src, offset);
        }
        for (i, b) in self
            .src
            .get(from..offset)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if *b == b'\n' {
                line += 1;
                line_start = from + i + 1;
            }
        }
        self.cursor = (offset, line, line_start);
        Span {
            offset,
            line,
            col: offset - line_start + 1,
        }
    }

    fn err(&self, at: usize, message: impl Into<String>) -> LangError {
        LangError::new(self.file, Span::at(self.src, at), message)
    }

    fn slice(&self, a: usize, b: usize) -> String {
        String::from_utf8_lossy(self.src.get(a..b).unwrap_or_default()).into_owned()
    }

    fn run(&mut self) -> Result<(), LangError> {
        loop {
            let before = self.pos;
            self.skip_blanks()?;
            let start = self.pos;
            let span = self.span_at(start);
            // Glued to the previous token: Augeas's position starts where that one does.
            let glued = match self.out.last() {
                Some(prev) if before == start && start > 0 => prev.glued,
                _ => span,
            };
            let Some(c) = self.peek(0) else {
                self.out.push(Token {
                    tok: Tok::Eof,
                    start: span,
                    end: span,
                    glued: span,
                });
                return Ok(());
            };
            let tok = match c {
                b'"' => self.string()?,
                b'/' => self.regexp()?,
                b'a'..=b'z' | b'_' => self.lid(),
                b'A'..=b'Z' => self.uid(),
                b'-' if self.peek(1) == Some(b'>') => {
                    self.pos += 2;
                    Tok::Arrow
                }
                _ => {
                    self.pos += 1;
                    match c {
                        b'|' => Tok::Bar,
                        b'*' => Tok::Star,
                        b'?' => Tok::Question,
                        b'+' => Tok::Plus,
                        b'(' => Tok::LParen,
                        b')' => Tok::RParen,
                        b'=' => Tok::Eq,
                        b':' => Tok::Colon,
                        b';' => Tok::Semi,
                        b'.' => Tok::Dot,
                        b'[' => Tok::LBracket,
                        b']' => Tok::RBracket,
                        b'{' => Tok::LBrace,
                        b'}' => Tok::RBrace,
                        b'-' => Tok::Minus,
                        _ => {
                            let mut e = self
                                .err(start, format!("unexpected character '{}'", char::from(c)));
                            // Augeas's lexer words it so, where the glued tokens start.
                            e.report = vec![format!(
                                "{}:{}:{}: Unexpected character {}",
                                self.file,
                                glued.line,
                                glued.col.saturating_sub(1),
                                char::from(c)
                            )];
                            return Err(e);
                        }
                    }
                }
            };
            // Most tokens hold no newline: their end is on their line, which spares
            // walking the cursor over them twice.
            let bytes = self.src.get(start..self.pos).unwrap_or_default();
            let end = if bytes.contains(&b'\n') {
                self.span_at(self.pos)
            } else {
                Span {
                    offset: self.pos,
                    line: span.line,
                    col: span.col + bytes.len(),
                }
            };
            self.out.push(Token {
                tok,
                start: span,
                end,
                glued,
            });
        }
    }

    /// Skips whitespace and (nested) comments.
    fn skip_blanks(&mut self) -> Result<(), LangError> {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'(') if self.peek(1) == Some(b'*') => {
                    let start = self.pos;
                    self.pos += 2;
                    let mut depth = 1usize;
                    while depth > 0 {
                        match (self.peek(0), self.peek(1)) {
                            (None, _) => return Err(self.err(start, "unterminated comment")),
                            (Some(b'('), Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b')')) => {
                                depth -= 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn ident_end(&self, from: usize) -> usize {
        let mut e = from;
        while self.src.get(e).copied().is_some_and(is_ident) {
            e += 1;
        }
        e
    }

    fn lid(&mut self) -> Tok {
        let start = self.pos;
        self.pos = self.ident_end(start);
        let word = self.slice(start, self.pos);
        match word.as_str() {
            "module" => Tok::Module,
            "in" => Tok::In,
            "autoload" => Tok::Autoload,
            "test" => Tok::Test,
            "after" => Tok::After,
            "let" => {
                // `let rec` is `let`, blanks, `rec` and a whitespace.
                let mut p = self.pos;
                while matches!(self.src.get(p), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                    p += 1;
                }
                if p > self.pos
                    && self.src.get(p..p + 3) == Some(b"rec")
                    && matches!(self.src.get(p + 3), Some(b' ' | b'\t' | b'\n' | b'\r'))
                {
                    self.pos = p + 3;
                    Tok::LetRec
                } else {
                    Tok::Let
                }
            }
            _ => Tok::Lid(word),
        }
    }

    fn uid(&mut self) -> Tok {
        let start = self.pos;
        self.pos = self.ident_end(start);
        let word = self.slice(start, self.pos);
        // A qualified name has no blanks around its dot and a lower-case second part.
        if self.peek(0) == Some(b'.') && matches!(self.peek(1), Some(b'a'..=b'z' | b'_')) {
            let s = self.pos + 1;
            let e = self.ident_end(s);
            let name = self.slice(s, e);
            self.pos = e;
            return Tok::Qid(word, name);
        }
        Tok::Uid(word)
    }

    fn string(&mut self) -> Result<Tok, LangError> {
        let start = self.pos;
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.peek(0) {
                None => return Err(self.err(start, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    let Some(n) = self.peek(1) else {
                        return Err(self.err(start, "unterminated string"));
                    };
                    self.pos += 2;
                    match decode_common(n) {
                        Some(b) => out.push(b),
                        None if n == b'"' || n == b'\\' => out.push(n),
                        None => out.extend_from_slice(&[b'\\', n]),
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(Tok::Str(String::from_utf8_lossy(&out).into_owned()))
    }

    fn regexp(&mut self) -> Result<Tok, LangError> {
        let start = self.pos;
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.peek(0) {
                None => return Err(self.err(start, "unterminated regexp")),
                Some(b'/') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    let Some(n) = self.peek(1) else {
                        return Err(self.err(start, "unterminated regexp"));
                    };
                    self.pos += 2;
                    match decode_common(n) {
                        Some(b) => out.push(b),
                        None if n == b'/' || n == b'\\' => out.push(n),
                        None => out.extend_from_slice(&[b'\\', n]),
                    }
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
        let nocase = self.peek(0) == Some(b'i') && !self.peek(1).is_some_and(is_ident);
        if nocase {
            self.pos += 1;
        }
        Ok(Tok::Re(String::from_utf8_lossy(&out).into_owned(), nocase))
    }
}

/// The escapes strings and regexps share: `\a \b \t \n \v \f \r`.
fn decode_common(c: u8) -> Option<u8> {
    Some(match c {
        b'a' => 7,
        b'b' => 8,
        b't' => b'\t',
        b'n' => b'\n',
        b'v' => 11,
        b'f' => 12,
        b'r' => b'\r',
        _ => return None,
    })
}
