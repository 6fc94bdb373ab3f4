//! Building blocks shared by the lenses of this crate: comments, empty lines, end of line,
//! indentation, separators, and a few regexps that are awkward to write in one pattern.
//!
//! Patterns are written in Augeas's regexp dialect (POSIX extended, as aug-core's `rx`
//! reads it): no Perl classes, no anchors.

use aug_core::lens::{Lens, LensError, concat, del, label, lit, store, subtree};
use aug_core::rx::Regex;

/// Result of building a lens.
pub type Built = Result<Lens, LensError>;

/// Horizontal whitespace class body.
const WS: &str = "[ \t]";

/// [`aug_core::lens::rx`], memoised per thread: the built-in lenses use a few patterns
/// many times (each of Logrotate's 40 directives has a word or number), and a parsed
/// regexp is shared for the price of a reference count.
pub fn rx(pattern: &str) -> Result<Regex, LensError> {
    thread_local! {
        static MEMO: std::cell::RefCell<std::collections::HashMap<String, Regex>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(r) = MEMO.with(|m| m.borrow().get(pattern).cloned()) {
        return Ok(r);
    }
    let r = aug_core::lens::rx(pattern)?;
    MEMO.with(|m| m.borrow_mut().insert(pattern.to_owned(), r.clone()));
    Ok(r)
}

/// `del re default` with `re` given as a pattern.
pub fn del_re(pattern: &str, default: &str) -> Built {
    Ok(del(rx(pattern)?, default))
}

/// Deletes exactly `s`, and writes `s` for new nodes.
pub fn del_str(s: &str) -> Lens {
    del(lit(s), s)
}

/// Mandatory horizontal whitespace, written as `default` for new nodes.
pub fn del_ws(default: &str) -> Built {
    del_re("[ \t]+", default)
}

/// Optional horizontal whitespace at the start of a line, none for new nodes.
pub fn indent() -> Built {
    del_re("[ \t]*", "")
}

/// The end of a line, with any trailing blanks before it.
pub fn eol() -> Built {
    del_re("[ \t]*\n", "\n")
}

/// The end of a line, where a carriage return before the newline is allowed too.
pub fn eol_cr() -> Built {
    del_re("[ \t]*\r?\n", "\n")
}

/// A non-empty text with no blank at either end and no newline: what a comment keeps.
pub fn trimmed_text() -> Result<Regex, LensError> {
    rx("[^ \t\r\n]([^\n]*[^ \t\r\n])?")
}

/// A `#comment` node: `# text` with the blanks around `#` and at the end dropped.
/// `lead` is what the `#` may be preceded by and followed by; `default` is written for
/// new comments.
fn comment_with(lead: &str, default: &str) -> Built {
    Ok(subtree(concat(vec![
        label("#comment"),
        del_re(lead, default)?,
        store(trimmed_text()?),
        eol_cr()?,
    ])?))
}

/// A full-line comment, possibly indented: `  # text`.
pub fn comment() -> Built {
    comment_with("[ \t]*#[ \t]*", "# ")
}

/// A comment at the end of a line holding other data: written ` # text` when new.
pub fn comment_eol() -> Built {
    comment_with("[ \t]*#[ \t]*", " # ")
}

/// Either an end-of-line comment, or the end of the line (an empty `#` is dropped).
pub fn comment_or_eol() -> Built {
    aug_core::lens::union(vec![comment_eol()?, del_re("[ \t]*(#[ \t]*)?\n", "\n")?])
}

/// An empty line, or a line holding nothing but `#`: a hidden node with no label.
pub fn empty() -> Built {
    Ok(subtree(concat(vec![
        del_re("[ \t]*#?[ \t]*", "")?,
        del_str("\n"),
    ])?))
}

/// The union of regexps (none gives an error, as for a union of no lenses).
pub fn any_of(parts: &[Regex]) -> Result<Regex, LensError> {
    let (first, rest) = parts.split_first().ok_or(LensError::Empty("union"))?;
    Ok(rest.iter().fold(first.clone(), |acc, r| acc.union(r)))
}

/// A character class given by its bracket body (without `.`) plus the `.` character,
/// e.g. `class_with_dot("A-Za-z0-9_-")` is Augeas's `[A-Za-z0-9_.-]`.
pub fn class_with_dot(body: &str) -> Result<Regex, LensError> {
    Ok(rx(&format!("[{body}]"))?.union(&lit(".")))
}

/// Augeas's `Rx.word`: letters, digits, `_`, `.` and `-`.
pub fn word() -> Result<Regex, LensError> {
    Ok(class_with_dot("A-Za-z0-9_-")?.plus())
}

/// Text up to the end of the line, starting and ending with a non-blank (Augeas's
/// `Rx.space_in`).
pub fn to_eol() -> Result<Regex, LensError> {
    rx("[^ \r\t\n]([^\n]*[^ \r\t\n])?")
}

/// Every string of `class` (a bracket body listing what is allowed, no `.`), at least one
/// character long, except the word `w` itself; `w` must consist of letters only. This
/// spells out a regexp difference, which the regexp dialect lacks.
pub fn word_except(class: &str, w: &str) -> Result<Regex, LensError> {
    let any = format!("[{class}]");
    let mut alts = Vec::new();
    let bytes = w.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        // Strings agreeing with `w` on i characters and then differing (or ending, when
        // i > 0).
        let prefix = lit(w.get(..i).unwrap_or_default());
        let other = format!("[{}]", class_minus(class, c));
        let diverge = rx(&format!("{other}{any}*"))?;
        let tail = if i == 0 { diverge } else { diverge.opt() };
        alts.push(prefix.concat(&tail));
    }
    // `w` followed by more characters.
    alts.push(lit(w).concat(&rx(&format!("{any}+"))?));
    any_of(&alts)
}

/// The bracket body `class` without the letter `c`, expanding letter ranges that hold `c`.
fn class_minus(class: &str, c: u8) -> String {
    let b = class.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let (lo, hi, step) = match (b.get(i), b.get(i + 1), b.get(i + 2)) {
            (Some(&lo), Some(b'-'), Some(&hi)) => (lo, hi, 3),
            (Some(&lo), _, _) => (lo, lo, 1),
            _ => break,
        };
        if (lo..=hi).contains(&c) {
            push_range(&mut out, lo, c.wrapping_sub(1), c > lo);
            push_range(&mut out, c.wrapping_add(1), hi, c < hi);
        } else {
            push_range(&mut out, lo, hi, true);
        }
        i += step;
    }
    // Keep a literal `-` last, where it cannot form a range.
    if let Some(p) = out.find("--") {
        out.remove(p);
        out.push('-');
    } else if out.starts_with('-') {
        out.remove(0);
        out.push('-');
    }
    out
}

fn push_range(out: &mut String, lo: u8, hi: u8, keep: bool) {
    if !keep || lo > hi {
        return;
    }
    out.push(lo as char);
    if hi > lo {
        if hi > lo + 1 {
            out.push('-');
        }
        out.push(hi as char);
    }
}

/// A line (without its newline) that is not just `w` with optional blanks around it;
/// `w` must consist of letters only.
pub fn line_except(w: &str) -> Result<Regex, LensError> {
    let mut alts = vec![
        Regex::epsilon(),
        rx(&format!("[^ \t\n{}][^\n]*", first(w)))?,
    ];
    let bytes = w.as_bytes();
    for i in 1..bytes.len() {
        let prefix = lit(w.get(..i).unwrap_or_default());
        let next = bytes.get(i).map_or('\n', |&c| c as char);
        alts.push(prefix.concat(&rx(&format!("([^{next}\n][^\n]*)?"))?));
    }
    alts.push(lit(w).concat(&rx(&format!("{WS}*[^ \t\n][^\n]*"))?));
    Ok(rx(&format!("{WS}*"))?.concat(&any_of(&alts)?))
}

fn first(w: &str) -> char {
    w.chars().next().unwrap_or('\n')
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn word_except_excludes_only_the_word() {
        let r = word_except("A-Za-z1-9_-", "entry").unwrap();
        for ok in [
            "e", "en", "ent", "entr", "entryx", "entra", "x", "SHELL", "e-", "-", "f",
        ] {
            assert!(r.is_match(ok.as_bytes()), "{ok}");
        }
        for bad in ["entry", "", "a b", "0"] {
            assert!(!r.is_match(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn class_minus_splits_ranges() {
        assert_eq!(class_minus("A-Za-z1-9_-", b'n'), "A-Za-mo-z1-9_-");
        assert_eq!(class_minus("a-z", b'a'), "b-z");
        assert_eq!(class_minus("a-z", b'z'), "a-y");
        assert_eq!(class_minus("a-z", b'b'), "ac-z");
    }

    #[test]
    fn line_except_excludes_the_bare_word() {
        let r = line_except("endscript").unwrap();
        for ok in [
            "",
            "  ",
            "x",
            "  endscriptx",
            "endscript x",
            "end",
            "\tendscrip",
            "e",
        ] {
            assert!(r.is_match(ok.as_bytes()), "{ok:?}");
        }
        for bad in ["endscript", "  endscript", "\tendscript \t", "a\nb"] {
            assert!(!r.is_match(bad.as_bytes()), "{bad:?}");
        }
    }
}
