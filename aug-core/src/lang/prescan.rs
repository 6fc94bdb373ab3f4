//! A cheap scan of a module's source, without building tokens or an AST: where each
//! top-level declaration starts and ends, the name it binds and the names it mentions.
//! Autoloading uses it to evaluate a transform's filter from a few declarations instead of
//! parsing the whole module (parsing every stock module costs more than the rest of
//! startup together).

/// One top-level declaration: `let NAME … ` (or `test …`, with no name).
#[derive(Debug)]
pub(crate) struct DeclText<'a> {
    /// The bound name (`None` for a test).
    pub(crate) name: Option<&'a str>,
    /// The byte range of the declaration, up to the next one.
    pub(crate) range: std::ops::Range<usize>,
    /// The identifiers in the declaration (including the parts of qualified names).
    pub(crate) idents: Vec<&'a str>,
}

/// What kind of token the scanner last saw, to tell a top-level `let` (which follows a
/// complete expression) from a `let … in` inside an expression (which follows an
/// operator, `=`, `(` or `in`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// An identifier, literal, closing bracket or postfix operator: an expression may end.
    End,
    /// Anything else.
    Open,
}

/// The top-level declarations of `src` (the `module … =` header and `autoload` are
/// skipped), or `None` if the source has a lexical problem (unterminated comment, string
/// or regexp); the real parser reports those.
pub(crate) fn declarations(src: &str) -> Option<Vec<DeclText<'_>>> {
    let b = src.as_bytes();
    let mut decls: Vec<DeclText<'_>> = Vec::new();
    let mut prev = Prev::Open;
    // Whether the header (`module Name =` and an optional `autoload xfm`) is over.
    let mut in_header = true;
    let mut want_name = false;
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied()?;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' if b.get(i + 1) == Some(&b'*') => i = skip_comment(b, i)?,
            b'"' | b'/' => {
                i = skip_quoted(b, i, c)?;
                prev = Prev::End;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                let word = src.get(start..i)?;
                // The header holds no `let`, so its first `let` or `test` starts the first
                // declaration.
                let starts_decl =
                    (word == "let" || word == "test") && (in_header || prev == Prev::End);
                if starts_decl {
                    in_header = false;
                    if let Some(d) = decls.last_mut() {
                        d.range.end = start;
                    }
                    decls.push(DeclText {
                        name: None,
                        range: start..b.len(),
                        idents: Vec::new(),
                    });
                    want_name = word == "let";
                    prev = Prev::Open;
                    continue;
                }
                if want_name && word == "rec" {
                    // `let rec NAME`.
                } else if want_name {
                    if let Some(d) = decls.last_mut() {
                        d.name = Some(word);
                    }
                    want_name = false;
                } else if let Some(d) = decls.last_mut() {
                    d.idents.push(word);
                }
                prev = if matches!(word, "in" | "let" | "rec" | "module" | "autoload") {
                    Prev::Open
                } else {
                    Prev::End
                };
            }
            b')' | b']' | b'}' | b'*' | b'+' | b'?' => {
                i += 1;
                prev = Prev::End;
            }
            _ => {
                i += 1;
                prev = Prev::Open;
            }
        }
    }
    Some(decls)
}

/// The end of the (nested) comment starting at `i`.
fn skip_comment(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match (b.get(i)?, b.get(i + 1)) {
            (b'(', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b')')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
}

/// The end of the string or regexp starting at `i` (quote `q`), escapes included.
fn skip_quoted(b: &[u8], mut i: usize, q: u8) -> Option<usize> {
    i += 1;
    loop {
        match *b.get(i)? {
            b'\\' => i += 2,
            c if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The identifiers of `text` (outside comments, strings and regexps), or `None` on a
/// lexical problem.
pub(crate) fn idents(text: &str) -> Option<Vec<&str>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'(' if b.get(i + 1) == Some(&b'*') => i = skip_comment(b, i)?,
            b'"' | b'/' => i = skip_quoted(b, i, c)?,
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                out.push(text.get(start..i)?);
            }
            _ => i += 1,
        }
    }
    Some(out)
}

/// Splits `transform LENS FILTER` (the text after a binding's `=`) into the text of the
/// lens and of the filter, when LENS is a name, a qualified name or a parenthesised
/// expression.
pub(crate) fn transform_args(body: &str) -> Option<(&str, &str)> {
    let t = body.trim_start();
    let rest = t.strip_prefix("transform")?;
    if !rest.starts_with(|c: char| c.is_ascii_whitespace() || c == '(') {
        return None;
    }
    let r = rest.trim_start();
    let b = r.as_bytes();
    let end = if r.starts_with('(') {
        let mut depth = 0usize;
        let mut i = 0;
        loop {
            match *b.get(i)? {
                b'(' if b.get(i + 1) == Some(&b'*') => i = skip_comment(b, i)?,
                b'"' | b'/' => i = skip_quoted(b, i, *b.get(i)?)?,
                b'(' => {
                    depth += 1;
                    i += 1;
                }
                b')' => {
                    depth -= 1;
                    i += 1;
                    if depth == 0 {
                        break i;
                    }
                }
                _ => i += 1,
            }
        }
    } else {
        b.iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.'))
            .unwrap_or(b.len())
    };
    if end == 0 {
        return None;
    }
    let (lens, filter) = (r.get(..end)?, r.get(end..)?);
    if filter.trim().is_empty() {
        return None;
    }
    Some((lens, filter))
}

#[cfg(test)]
mod tests {
    use super::{declarations, transform_args};

    /// The declarations of `src` as `name[idents]`, space-separated.
    #[track_caller]
    fn check_decls(src: &str, expected: &str) {
        let got: Vec<String> = declarations(src)
            .unwrap()
            .iter()
            .map(|d| format!("{}[{}]", d.name.unwrap_or("test"), d.idents.join(",")))
            .collect();
        assert_eq!(got.join(" "), expected, "{src}");
    }

    #[test]
    fn decls() {
        check_decls(
            "module A =\n autoload xfm\n let x = \"let\" . /let/ (* let *)\nlet y (l:lens) = let z = l in z*\nlet rec r = [ r ]\ntest x get \"a\" = ?\nlet xfm = transform y (incl \"/etc/a\" . Util.stdexcl)\n",
            "x[] y[l,lens,let,z,l,in,z] r[r] test[x,get] xfm[transform,y,incl,Util,stdexcl]",
        );
        check_decls("module B = let a = \"1\" let b = a", "a[] b[a]");
        assert!(declarations("module C = let a = \"open").is_none());
    }

    #[test]
    fn transform_arguments() {
        assert_eq!(
            transform_args(" transform lns filter\n"),
            Some(("lns", " filter\n"))
        );
        assert_eq!(
            transform_args("transform (Util.x . y) (incl \"/a\")"),
            Some(("(Util.x . y)", " (incl \"/a\")"))
        );
        assert_eq!(transform_args("transform lns"), None);
        assert_eq!(transform_args("transformer lns f"), None);
    }
}
