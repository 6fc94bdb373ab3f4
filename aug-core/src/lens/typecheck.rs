//! The full typechecker (Augeas's `AUG_TYPE_CHECK`): unambiguous concatenation and
//! iteration of both the text (ctype) and the tree (atype) languages, disjoint unions, and
//! `del` defaults in their regexps. Each failure carries a readable counterexample.

use super::{Kind, Lens};
use crate::rx::Regex;
use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::sync::Arc;

/// A typechecking failure: which lens, and why, with an example.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {example}, in {lens}")]
pub struct TypeError {
    /// What is wrong, e.g. `ambiguous concatenation`.
    pub kind: &'static str,
    /// The lens where it was found.
    pub lens: String,
    /// A counterexample.
    pub example: String,
}

fn show(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            3 => s.push_str("\\003"),
            4 => s.push_str("\\004"),
            b if b.is_ascii_graphic() || b == b' ' => s.push(b as char),
            b => {
                let _ = write!(s, "\\{b:03o}");
            }
        }
    }
    s
}

fn err(kind: &'static str, lens: &Lens, example: String) -> TypeError {
    TypeError {
        kind,
        lens: lens.to_string(),
        example,
    }
}

fn too_complex(lens: &Lens, e: impl std::fmt::Display) -> TypeError {
    err("typecheck gave up", lens, e.to_string())
}

fn check_concat(lens: &Lens, a: &Regex, b: &Regex, what: &'static str) -> Result<(), TypeError> {
    match a.ambiguous_concat(b) {
        Ok(None) => Ok(()),
        Ok(Some(w)) => Err(err(what, lens, w.to_string())),
        Err(e) => Err(too_complex(lens, e)),
    }
}

fn check_iter(lens: &Lens, a: &Regex, what: &'static str) -> Result<(), TypeError> {
    match a.ambiguous_iter() {
        Ok(None) => Ok(()),
        Ok(Some(w)) => Err(err(what, lens, w.to_string())),
        Err(e) => Err(too_complex(lens, e)),
    }
}

fn check_disjoint(lens: &Lens, a: &Regex, b: &Regex, what: &'static str) -> Result<(), TypeError> {
    match a.is_disjoint(b) {
        Ok(true) => return Ok(()),
        Ok(false) => {}
        Err(e) => return Err(too_complex(lens, e)),
    }
    match a.intersect(b) {
        Ok(i) => match i.example() {
            None => Ok(()),
            Some(w) => Err(err(what, lens, format!("both accept '{}'", show(&w)))),
        },
        Err(e) => Err(too_complex(lens, e)),
    }
}

impl Lens {
    /// Runs the full typechecker over this lens and all its parts. Slow on big lenses; the
    /// handle runs it only with the `TYPE_CHECK` flag.
    pub fn typecheck_full(&self) -> Result<(), TypeError> {
        self.typecheck_unseen(&mut FxHashMap::default())
    }

    /// [`Lens::typecheck_full`] for the parts of this lens not in `seen` (lenses already
    /// checked, by address; they are kept alive there so that no address is reused),
    /// adding them to it.
    pub(crate) fn typecheck_unseen(
        &self,
        seen: &mut FxHashMap<usize, Lens>,
    ) -> Result<(), TypeError> {
        let mut stack = vec![self.clone()];
        while let Some(l) = stack.pop() {
            let addr = Arc::as_ptr(&l.0) as usize;
            if seen.contains_key(&addr) {
                continue;
            }
            l.check_del_default()
                .map_err(|e| err("bad del default", &l, e.to_string()))?;
            // A recursive lens (one that is or contains a `let rec`) is not checked itself,
            // as in C: its text language is not regular, and it is built flattened
            // (`a | (b | a)` from `let rec l = a | f l` is one union), so its parts would
            // seem to overlap. The regular lenses inside it are checked.
            if !l.0.rec {
                l.check_own_types()?;
            }
            // Remembered once its own checks pass (a failing lens fails again next time).
            seen.insert(addr, l.clone());
            stack.extend(l.parts().iter().cloned());
        }
        Ok(())
    }
}

impl Lens {
    /// The checks of this lens itself, not of its parts.
    fn check_own_types(&self) -> Result<(), TypeError> {
        let l = self;
        match &l.0.kind {
            Kind::Concat(parts) => {
                // Augeas builds n-ary concatenations left to right: (a.b).c.
                let mut c = parts.first().map(|p| p.0.ctype.clone());
                let mut a = parts.first().map(|p| p.0.atype.clone());
                for p in parts.iter().skip(1) {
                    if let (Some(cc), Some(aa)) = (&c, &a) {
                        check_concat(l, cc, &p.0.ctype, "ambiguous concatenation")?;
                        check_concat(l, aa, &p.0.atype, "ambiguous tree concatenation")?;
                    }
                    c = c.map(|cc| cc.concat(&p.0.ctype));
                    a = a.map(|aa| aa.concat(&p.0.atype));
                }
            }
            Kind::Union(alts) => {
                for (i, x) in alts.iter().enumerate() {
                    for y in alts.iter().skip(i + 1) {
                        check_disjoint(
                            l,
                            &x.0.ctype,
                            &y.0.ctype,
                            "overlapping lenses in union.get",
                        )?;
                        check_disjoint(
                            l,
                            &x.0.atype,
                            &y.0.atype,
                            "overlapping lenses in tree union.put",
                        )?;
                    }
                }
            }
            Kind::Star(body) => {
                check_iter(l, &body.0.ctype, "ambiguous iteration")?;
                check_iter(l, &body.0.atype, "ambiguous tree iteration")?;
            }
            Kind::Maybe(body) if body.0.ctype.matches_empty() => {
                return Err(err("optional lens matches the empty word", l, "''".into()));
            }
            _ => {}
        }
        Ok(())
    }
}

/// A check of Augeas's typechecker that failed as a lens was built, worded as augparse
/// reports it: the message, and the lines that explain it (the regexps involved, a
/// counterexample, and where the lenses concerned were written).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CheckError {
    /// What is wrong, e.g. `ambiguous concatenation`.
    pub message: String,
    /// The explanation, one line each, indented as augparse prints it.
    pub details: Vec<String>,
}

impl CheckError {
    pub(crate) fn new(message: impl Into<String>, details: Vec<String>) -> CheckError {
        CheckError {
            message: message.into(),
            details,
        }
    }
}

/// Where `l` was written, as augparse names a lens (`file:1.2-.5:`).
pub(crate) fn place(l: &Lens) -> String {
    l.origin().map_or_else(String::new, |o| format!("{o}:"))
}

/// A word of a text language (`'…'`) or of a tree language (` { "a" = "b" }`).
fn word(bytes: &[u8], tree: bool) -> String {
    if !tree {
        return format!("'{}'", show(bytes));
    }
    let mut out = String::new();
    for node in bytes.split(|&b| b == 4).filter(|n| !n.is_empty()) {
        let mut kv = node.splitn(2, |&b| b == 3);
        let k = kv.next().unwrap_or_default();
        let v = kv.next().unwrap_or_default();
        out.push_str(" {");
        if !k.is_empty() {
            let _ = write!(out, " \"{}\"", show(k));
        }
        if !v.is_empty() {
            let _ = write!(out, " = \"{}\"", show(v));
        }
        out.push_str(" }");
    }
    out
}

/// The lines explaining an ambiguous split `u·p·v` (`u|=|pv` and `up|=|v`).
fn split_lines(w: &crate::rx::AmbiguityWitness, tree: bool) -> Vec<String> {
    let cat = |parts: &[&[u8]]| parts.concat();
    let all = cat(&[&w.u, &w.p, &w.v]);
    let strip = |s: String| s.trim_matches('\'').to_owned();
    let (u, pv) = (word(&w.u, tree), word(&cat(&[&w.p, &w.v]), tree));
    let (up, v) = (word(&cat(&[&w.u, &w.p]), tree), word(&w.v, tree));
    vec![
        format!("      {} can be split into", word(&all, tree)),
        format!("      '{}|=|{}'", strip(u), strip(pv)),
        String::new(),
        "     and".to_owned(),
        format!("      '{}|=|{}'", strip(up), strip(v)),
        String::new(),
    ]
}

fn gave_up(e: impl std::fmt::Display) -> CheckError {
    CheckError::new("typecheck gave up", vec![format!("    {e}")])
}

/// Augeas's check of `a . b` as it is built: both the texts and the trees of the two
/// parts must split in one way only. Lenses with a recursive part are not checked (their
/// text language is not regular), as in C.
pub(crate) fn check_new_concat(a: &Lens, b: &Lens) -> Result<(), CheckError> {
    if a.0.rec || b.0.rec {
        return Ok(());
    }
    for (tree, x, y, msg) in [
        (false, &a.0.ctype, &b.0.ctype, "ambiguous concatenation"),
        (true, &a.0.atype, &b.0.atype, "ambiguous tree concatenation"),
    ] {
        if let Some(w) = x.ambiguous_concat(y).map_err(gave_up)? {
            let mut d = vec![
                format!("      First regexp: /{x}/"),
                format!("      Second regexp: /{y}/"),
            ];
            d.extend(split_lines(&w, tree));
            d.push(format!("    First lens: {}", place(a)));
            d.push(format!("    Second lens: {}", place(b)));
            return Err(CheckError::new(msg, d));
        }
    }
    Ok(())
}

/// Augeas's check of `a | b` as it is built: no text, and no tree, both accept.
pub(crate) fn check_new_union(a: &Lens, b: &Lens) -> Result<(), CheckError> {
    if a.0.rec || b.0.rec {
        return Ok(());
    }
    for (tree, x, y, msg) in [
        (
            false,
            &a.0.ctype,
            &b.0.ctype,
            "overlapping lenses in union.get",
        ),
        (
            true,
            &a.0.atype,
            &b.0.atype,
            "overlapping lenses in tree union.put",
        ),
    ] {
        if x.is_disjoint(y).map_err(gave_up)? {
            continue;
        }
        let Some(ex) = x.intersect(y).map_err(gave_up)?.example() else {
            continue;
        };
        let d = vec![
            format!("    Example matched by both: {}", word(&ex, tree)),
            format!("    First lens: {}", place(a)),
            format!("    Second lens: {}", place(b)),
        ];
        return Err(CheckError::new(msg, d));
    }
    Ok(())
}

/// Augeas's check of `l*` (and `l+`) as it is built: iterations of the text, and of the
/// tree, split in one way only.
pub(crate) fn check_new_iteration(l: &Lens) -> Result<(), CheckError> {
    if l.0.rec {
        return Ok(());
    }
    for (tree, x, msg) in [
        (false, &l.0.ctype, "ambiguous iteration"),
        (true, &l.0.atype, "ambiguous tree iteration"),
    ] {
        if let Some(w) = x.ambiguous_iter().map_err(gave_up)? {
            let mut d = vec![format!("      Iterated regexp: /{x}/")];
            d.extend(split_lines(&w, tree));
            d.push(format!("    Iterated lens: {}", place(l)));
            return Err(CheckError::new(msg, d));
        }
    }
    Ok(())
}

/// Whether `l` always sets the value of the enclosing node when it matches (C's
/// `consumes_value`): a `store` or `value`, a concatenation with such a part, a union
/// whose every branch is one; never an iteration, an option or a subtree.
fn consumes_value(l: &Lens) -> bool {
    match &l.0.kind {
        Kind::Store { .. } | Kind::Value(_) => true,
        Kind::Concat(parts) => parts.iter().any(consumes_value),
        Kind::Union(alts) => alts.iter().all(consumes_value),
        Kind::Square(inner) => consumes_value(inner),
        Kind::Fix(_, body) => consumes_value(body),
        _ => false,
    }
}

/// Augeas's check of `l?` as it is built: `l` must not accept the empty text, and when
/// it may produce no tree it must set a value (put decides by the tree alone).
pub(crate) fn check_new_maybe(l: &Lens) -> Result<(), CheckError> {
    if l.0.rec {
        return Ok(());
    }
    if l.0.ctype.matches_empty() {
        return Err(CheckError::new(
            format!(
                "illegal optional expression: /{}/ matches the empty word",
                l.0.ctype
            ),
            Vec::new(),
        ));
    }
    if !consumes_value(l) && l.0.atype.matches_empty() {
        return Err(CheckError::new(
            "optional expression matches the empty tree but does not consume a value",
            Vec::new(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::lens::*;

    #[test]
    fn finds_ambiguity_and_overlap() {
        let a = key(rx("a|ab").unwrap());
        let b = del(rx("b?c").unwrap(), "c");
        let e = subtree(concat(vec![a, b]).unwrap())
            .typecheck_full()
            .unwrap_err();
        assert_eq!(e.kind, "ambiguous concatenation");
        assert!(e.example.contains("can be split"), "{}", e.example);

        let u = union(vec![
            subtree(key(rx("[a-z]+").unwrap())),
            subtree(key(rx("x").unwrap())),
        ])
        .unwrap();
        let e = u.typecheck_full().unwrap_err();
        assert_eq!(e.kind, "overlapping lenses in union.get");
        assert_eq!(e.example, "both accept 'x'");

        let ok = subtree(
            concat(vec![
                key(rx("[a-z]+").unwrap()),
                del(rx("\n").unwrap(), "\n"),
            ])
            .unwrap(),
        )
        .star()
        .unwrap();
        assert_eq!(ok.typecheck_full(), Ok(()));

        let bad = del(rx("[0-9]").unwrap(), "x");
        assert_eq!(bad.typecheck_full().unwrap_err().kind, "bad del default");
    }
}
