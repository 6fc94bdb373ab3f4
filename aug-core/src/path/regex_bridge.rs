//! Regexps of the path language (`regexp()`, `glob()`, `=~`): Augeas's dialect, compiled
//! with aug-core's own [`rx`](crate::rx) engine and matched against whole values.
//!
//! Dialect rules (those of [`rx`](crate::rx)): `.` does not match a newline while `[^...]`
//! does; `\x` outside brackets is the literal `x`; a backslash inside brackets is literal;
//! `]` first in a bracket is literal; `{n,m}` intervals; no `\d`-style classes and no
//! `[:alpha:]` classes; the `i` flag folds ASCII case only.

use crate::rx::Regex;

/// A compiled regexp that matches whole values.
#[derive(Debug, Clone)]
pub struct Matcher {
    re: Regex,
}

impl Matcher {
    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.re.is_match(value.as_bytes())
    }

    /// The matcher that matches nothing.
    pub fn never() -> Matcher {
        Matcher { re: Regex::never() }
    }
}

/// Compiles an Augeas-dialect `pattern`; `nocase` folds ASCII case.
pub fn compile(pattern: &str, nocase: bool) -> Result<Matcher, String> {
    compile_translated(pattern, nocase)
}

/// Compiles a pattern produced by [`translate`] or [`glob_to_regex`].
pub fn compile_translated(pattern: &str, nocase: bool) -> Result<Matcher, String> {
    Regex::parse(pattern, nocase)
        .map(|re| Matcher { re })
        .map_err(|e| e.to_string())
}

/// Checks an Augeas-dialect pattern and returns it (patterns are used as they are).
pub fn translate(pattern: &str) -> Result<String, String> {
    Regex::parse(pattern, false).map_err(|e| e.to_string())?;
    Ok(pattern.to_owned())
}

/// Translates a glob into an Augeas-dialect regexp: `*` and `?` do not match `/`, `[...]`
/// works as in regexps, everything else is literal.
pub fn glob_to_regex(glob: &str) -> Result<String, String> {
    let mut out = String::with_capacity(glob.len() + 8);
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '[' => {
                // Copy the bracket expression through its closing `]` (a `]` right after
                // `[` or `[^` is literal).
                out.push('[');
                let mut first = true;
                if chars.peek() == Some(&'^') || chars.peek() == Some(&'!') {
                    chars.next();
                    out.push('^');
                }
                let mut closed = false;
                for b in chars.by_ref() {
                    out.push(b);
                    if b == ']' && !first {
                        closed = true;
                        break;
                    }
                    first = false;
                }
                if !closed {
                    return Err("unmatched [ in glob".to_owned());
                }
            }
            '\\' => {
                if let Some(e) = chars.next() {
                    push_literal(&mut out, e);
                }
            }
            c => push_literal(&mut out, c),
        }
    }
    translate(&out)
}

/// Appends `c` as a literal: special characters get a backslash (which the dialect reads
/// as "the next character itself").
fn push_literal(out: &mut String, c: char) {
    if matches!(
        c,
        '.' | '[' | ']' | '(' | ')' | '{' | '}' | '*' | '+' | '?' | '|' | '\\' | '^' | '$'
    ) {
        out.push('\\');
    }
    out.push(c);
}

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

    #[test]
    fn dialect() {
        check("a.c", false, &["abc"], &["a\nc", "abcd"]);
        check("a[^x]c", false, &["a\nc"], &["axc"]);
        check(r"a\.c", false, &["a.c"], &["abc"]);
        check(r"\d", false, &["d"], &["1"]);
        check("[]a]+", false, &["]a]"], &["b"]);
        check("ab", true, &["AB", "aB"], &["abc"]);
        check("x{2,3}", false, &["xx", "xxx"], &["x", "xxxx"]);
    }

    #[test]
    fn globs() {
        let g = |s: &str| compile(&glob_to_regex(s).unwrap(), false).unwrap();
        assert!(g("/etc/*").is_match("/etc/hosts"));
        assert!(!g("/etc/*").is_match("/etc/a/b"));
        assert!(g("/etc/h?sts").is_match("/etc/hosts"));
        assert!(g("[a-c]x.conf").is_match("bx.conf"));
        assert!(!g("[a-c]x.conf").is_match("bxxconf"));
        assert!(g("^a(b)").is_match("^a(b)"));
    }
}
