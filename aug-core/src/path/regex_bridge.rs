//! A bridge from Augeas's regexp dialect (POSIX extended, as used by pathx `regexp()` and
//! `glob()`) to the `regex` crate. It is deliberately small so that it can be swapped for
//! aug-core's own automaton module later: [`compile`] and [`Matcher::is_match`] are all the
//! evaluator uses, plus [`translate`] and [`glob_to_regex`] to build concatenations.
//!
//! Dialect rules: `.` does not match a newline while `[^...]` does; `\x` outside brackets
//! is the literal `x`; a backslash inside brackets is literal; `]` first in a bracket is
//! literal; `{n,m}` intervals; no `\d`-style classes; matching is anchored to the whole
//! value; the `i` flag folds ASCII case only; there are no `[:alpha:]` classes (inside
//! brackets `[` is just a character, as in Augeas 1.14).

use regex::bytes::{Regex, RegexBuilder};

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
}

/// Compiles an Augeas-dialect `pattern`; `nocase` folds ASCII case.
pub fn compile(pattern: &str, nocase: bool) -> Result<Matcher, String> {
    compile_translated(&translate(pattern)?, nocase)
}

/// Compiles a pattern already in `regex` crate syntax (from [`translate`] or
/// [`glob_to_regex`]), anchored to the whole value.
pub fn compile_translated(translated: &str, nocase: bool) -> Result<Matcher, String> {
    let anchored = format!(r"\A(?:{translated})\z");
    RegexBuilder::new(&anchored)
        .unicode(false)
        .case_insensitive(nocase)
        .size_limit(1 << 24)
        .build()
        .map(|re| Matcher { re })
        .map_err(|e| e.to_string())
}

/// A pattern that matches nothing, in `regex` crate syntax.
pub const NEVER: &str = r"[^\x00-\xff]";

fn push_literal(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    out.push_str(&regex::escape(c.encode_utf8(&mut buf)));
}

/// Translates an Augeas-dialect pattern into `regex` crate syntax.
pub fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut depth = 0usize;
    // Whether the previous item can be repeated, and whether it was a repetition.
    let mut atom = false;
    let mut repeated = false;
    const BAD_REPEAT: &str = "Invalid preceding regular expression";
    while let Some(&c) = chars.get(i) {
        i += 1;
        let was_repeated = std::mem::take(&mut repeated);
        if matches!(c, '*' | '+' | '?' | '{') {
            if !atom || (c == '*' && was_repeated) {
                return Err(BAD_REPEAT.to_owned());
            }
            repeated = true;
        }
        atom = !matches!(c, '(' | '|' | '^');
        match c {
            '\\' => match chars.get(i) {
                Some(&e) => {
                    push_literal(&mut out, e);
                    i += 1;
                }
                None => return Err("Trailing backslash".to_owned()),
            },
            '.' => out.push_str(r"[^\n]"),
            '(' => {
                depth += 1;
                out.push('(');
            }
            ')' => {
                if depth == 0 {
                    return Err("Unmatched ) or \\)".to_owned());
                }
                depth -= 1;
                out.push(')');
            }
            '|' | '*' | '+' | '?' | '^' | '$' => out.push(c),
            '{' => {
                let rest: String = chars.get(i..).unwrap_or_default().iter().collect();
                let end = rest.find('}');
                let body = end.and_then(|e| rest.get(..e));
                match body {
                    Some(b) if is_interval(b) => {
                        out.push('{');
                        if b.starts_with(',') {
                            // POSIX `{,m}` means `{0,m}`.
                            out.push('0');
                        }
                        out.push_str(b);
                        out.push('}');
                        i += b.chars().count() + 1;
                    }
                    _ => return Err("Unmatched \\{".to_owned()),
                }
            }
            '[' => i = bracket(&chars, i, &mut out)?,
            c => push_literal(&mut out, c),
        }
    }
    if depth > 0 {
        return Err("Unmatched ( or \\(".to_owned());
    }
    Ok(out)
}

fn is_interval(b: &str) -> bool {
    let (lo, hi) = b.split_once(',').unwrap_or((b, b));
    !(lo.is_empty() && hi.is_empty())
        && lo.bytes().all(|c| c.is_ascii_digit())
        && hi.bytes().all(|c| c.is_ascii_digit())
}

/// Translates a bracket expression starting after its `[` at `chars[i]`; returns the index
/// after the closing `]`.
fn bracket(chars: &[char], mut i: usize, out: &mut String) -> Result<usize, String> {
    const UNMATCHED: &str = "Unmatched [, [^, [:, [., or [=";
    out.push('[');
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(UNMATCHED.to_owned());
        };
        i += 1;
        match c {
            ']' if !first => break,
            '-' => out.push('-'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c => push_literal(out, c),
        }
        first = false;
    }
    out.push(']');
    Ok(i)
}

/// Translates a glob into `regex` crate syntax: `*` and `?` do not match `/`, `[...]`
/// works as in regexps, everything else is literal.
pub fn glob_to_regex(glob: &str) -> Result<String, String> {
    let chars: Vec<char> = glob.chars().collect();
    let mut out = String::with_capacity(glob.len() + 8);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        match c {
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '[' => i = bracket(&chars, i, &mut out)?,
            '\\' => {
                if let Some(&e) = chars.get(i) {
                    push_literal(&mut out, e);
                    i += 1;
                }
            }
            c => push_literal(&mut out, c),
        }
    }
    Ok(out)
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
        check(r"[\]", false, &["\\"], &["]"]);
        check("[]a]", false, &["]", "a"], &["b"]);
        check("a{2,3}", false, &["aa", "aaa"], &["a", "aaaa"]);
        // These were checked against libaugeas 1.14.
        check("[[:alpha:]]+", false, &["a]", ":]]"], &["abc", "[:]"]);
        check("a{,2}b", false, &["b", "aab"], &["aaab"]);
        check(r"\w+", false, &["ww"], &["abc"]);
        check("()abc|", false, &["abc", ""], &["ab"]);
        assert!(compile("*a", false).is_err());
        assert!(compile("x{y", false).is_err());
        assert!(compile("a**b", false).is_err());
        check("ab", true, &["AB", "aB"], &["abc"]);
        check("a&&b|[&~-]", false, &["a&&b", "&", "~", "-"], &["ab"]);
        assert!(compile("(", false).is_err());
        assert!(compile("[a-", false).is_err());
        let g = compile_translated(&glob_to_regex("*.conf").unwrap(), false).unwrap();
        assert!(g.is_match("a.conf") && !g.is_match("a/b.conf"));
        let g = compile_translated(&glob_to_regex("[a-c]?").unwrap(), false).unwrap();
        assert!(g.is_match("bx") && !g.is_match("dx"));
    }
}
