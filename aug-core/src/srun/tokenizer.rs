//! The augtool command-line tokenizer: splitting a command line into words the way
//! Augeas's `aug_srun` does (quotes, concatenation, backslash escapes, brackets in path
//! arguments), with its exact error messages.

use std::fmt;

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
    let path = kind == Kind::Path;
    let s = line.trim_start_matches(is_blank);
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut depth: i32 = 0;
    let mut chars = s.char_indices().peekable();
    let mut end = s.len();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            let next = chars.peek().map(|&(_, n)| n);
            match next {
                Some(n) if PATH_ESCAPES.contains(&n) => {
                    // Kept with the backslash, for the path parser; not counted as brackets.
                    out.push('\\');
                    out.push(n);
                    chars.next();
                    continue;
                }
                Some('t') => {
                    out.push('\t');
                    chars.next();
                    continue;
                }
                Some('n') => {
                    out.push('\n');
                    chars.next();
                    continue;
                }
                Some(n @ (' ' | '\t')) if quote.is_none() => {
                    out.push(n);
                    chars.next();
                    continue;
                }
                Some(' ' | '\t') => {
                    // Inside quotes the backslash is an ordinary character.
                }
                Some(n @ ('\'' | '"')) if quote.is_none() || quote == Some(n) => {
                    out.push(n);
                    chars.next();
                    continue;
                }
                Some('\'' | '"') => {
                    // The other quote inside quotes: both characters are kept.
                }
                Some('\\') => {
                    out.push('\\');
                    chars.next();
                    continue;
                }
                other => return Err(TokenError::UnknownEscape(other)),
            }
            out.push(c);
            continue;
        }
        if path {
            if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
                if depth < 0 {
                    return Err(TokenError::UnmatchedBracket);
                }
            }
        }
        if !path || depth == 0 {
            match quote {
                None if c == '\'' || c == '"' => {
                    quote = Some(c);
                    continue;
                }
                Some(q) if c == q => {
                    quote = None;
                    continue;
                }
                None if is_blank(c) => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    let finished = end == s.len();
    if finished && path && depth > 0 {
        return Err(TokenError::UnmatchedBracket);
    }
    if finished && let Some(q) = quote {
        return Err(TokenError::UnmatchedQuote(q));
    }
    let rest = s.get(end..).unwrap_or("");
    let rest = rest.strip_prefix(is_blank).unwrap_or(rest);
    Ok((out, rest))
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
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean_path("/a/b//".into()), "/a/b");
        assert_eq!(clean_path("/".into()), "/");
        assert_eq!(clean_path("//".into()), "");
    }
}
