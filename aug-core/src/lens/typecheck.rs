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
