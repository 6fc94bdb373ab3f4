//! Runtime values of the lens language (string, regexp, lens, tree, filter, transform,
//! unit, closures and builtins), the string-to-regexp coercion, and tree comparison.

use super::ast::{Expr, Param, Type};
use super::eval::Env;
use crate::lens::Lens;
use crate::rx::Regex;
use crate::tree::Subtree;
use std::fmt;
use std::rc::Rc;

/// A builtin function of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Native {
    Del,
    Store,
    Key,
    Label,
    Val,
    Seq,
    Counter,
    Square,
    Get,
    Put,
    Set,
    Clear,
    Rm,
    Insa,
    Insb,
    Incl,
    Excl,
    Transform,
    Gensym,
    Getenv,
    ReadFile,
    PrintString,
    PrintRegexp,
    PrintEndline,
    PrintTree,
    LensCtype,
    LensAtype,
    LensKtype,
    LensVtype,
    LensFormatAtype,
    RegexpMatch,
    CheckRec,
}

impl Native {
    /// The builtin called `name` in module `Builtin` (or `Sys` when `sys`).
    pub(crate) fn lookup(name: &str, sys: bool) -> Option<Native> {
        use Native::*;
        if sys {
            return match name {
                "getenv" => Some(Getenv),
                "read_file" => Some(ReadFile),
                _ => None,
            };
        }
        Some(match name {
            "del" => Del,
            "store" => Store,
            "key" => Key,
            "label" => Label,
            "value" => Val,
            "seq" => Seq,
            "counter" => Counter,
            "square" => Square,
            "get" => Get,
            "put" => Put,
            "set" => Set,
            "clear" => Clear,
            "rm" => Rm,
            "insa" => Insa,
            "insb" => Insb,
            "incl" => Incl,
            "excl" => Excl,
            "transform" => Transform,
            "gensym" => Gensym,
            "print_string" => PrintString,
            "print_regexp" => PrintRegexp,
            "print_endline" => PrintEndline,
            "print_tree" => PrintTree,
            "lens_ctype" => LensCtype,
            "lens_atype" => LensAtype,
            "lens_ktype" => LensKtype,
            "lens_vtype" => LensVtype,
            "lens_format_atype" => LensFormatAtype,
            "regexp_match" => RegexpMatch,
            "lns_check_rec" => CheckRec,
            _ => return None,
        })
    }

    /// How many arguments the builtin takes.
    pub(crate) fn arity(self) -> usize {
        use Native::*;
        match self {
            Square | Put | Set | Insa | Insb => 3,
            Del | Get | Clear | Rm | Transform | RegexpMatch | CheckRec => 2,
            _ => 1,
        }
    }
}

/// A user function: its remaining parameters, body and captured environment.
#[derive(Debug)]
pub(crate) struct Closure {
    pub(crate) params: Vec<Param>,
    pub(crate) body: Rc<Expr>,
    pub(crate) env: Env,
}

/// A value of the lens language.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Str(Rc<str>),
    Regexp(Regex),
    Lens(Lens),
    Tree(Rc<Vec<Subtree>>),
    /// Include/exclude globs: `(true, glob)` for `incl`.
    Filter(Rc<Vec<(bool, String)>>),
    Transform(Lens, Rc<Vec<(bool, String)>>),
    Unit,
    Closure(Rc<Closure>),
    /// A builtin with the arguments given so far.
    Native(Native, Rc<Vec<Value>>),
    /// `f ; g`: the function `x -> g (f x)`.
    Compose(Rc<Value>, Rc<Value>),
}

impl Value {
    /// The type name used in error messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Regexp(_) => "regexp",
            Value::Lens(_) => "lens",
            Value::Tree(_) => "tree",
            Value::Filter(_) => "filter",
            Value::Transform(..) => "transform",
            Value::Unit => "unit",
            Value::Closure(_) | Value::Native(..) | Value::Compose(..) => "function",
        }
    }

    /// Whether the value can stand where `ty` is expected (`string <: regexp`).
    pub(crate) fn has_type(&self, ty: &Type) -> bool {
        matches!(
            (self, ty),
            (Value::Str(_), Type::String | Type::Regexp)
                | (Value::Regexp(_), Type::Regexp)
                | (Value::Lens(_), Type::Lens)
                | (Value::Tree(_), Type::Tree)
                | (Value::Filter(_), Type::Filter)
                | (Value::Transform(..), Type::Transform)
                | (Value::Unit, Type::Unit)
                | (
                    Value::Closure(_) | Value::Native(..) | Value::Compose(..),
                    Type::Arrow(..)
                )
        )
    }

    /// The value as a regexp, coercing a string to the regexp matching it literally.
    pub(crate) fn as_regexp(&self) -> Option<Regex> {
        match self {
            Value::Str(s) => Some(coerce(s)),
            Value::Regexp(r) => Some(r.clone()),
            _ => None,
        }
    }
}

/// Augeas's string-to-regexp coercion: it escapes `.|{}[]()+*?` and nothing else, so a
/// backslash in the string still escapes the next character (`"\/"` matches `/`), and
/// `^`/`$` keep their meaning. A string that does not parse that way is taken literally.
pub(crate) fn coerce(s: &str) -> Regex {
    let mut text = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if ".|{}[]()+*?".contains(c) {
            text.push('\\');
        }
        text.push(c);
    }
    Regex::parse(&text, false).unwrap_or_else(|_| Regex::literal(s))
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Str(s) => write!(f, "{:?}", s),
            Value::Regexp(r) => write!(f, "/{r}/"),
            Value::Lens(l) => write!(f, "<lens {l}>"),
            Value::Tree(t) => f.write_str(&format_forest(t)),
            Value::Filter(_) => f.write_str("<filter>"),
            Value::Transform(l, fl) => write!(f, "<transform {l} on {} globs>", fl.len()),
            Value::Unit => f.write_str("()"),
            Value::Closure(_) | Value::Native(..) | Value::Compose(..) => f.write_str("<function>"),
        }
    }
}

/// Whether two forests have the same labels, values and children, in order (spans are
/// ignored).
pub(crate) fn forest_eq(a: &[Subtree], b: &[Subtree]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.label == y.label && x.value == y.value && forest_eq(&x.children, &y.children)
        })
}

/// A forest in tree-literal syntax, one top-level node per line.
pub(crate) fn format_forest(t: &[Subtree]) -> String {
    fn one(s: &Subtree, depth: usize, out: &mut String) {
        out.push_str(&"  ".repeat(depth));
        out.push('{');
        if let Some(l) = &s.label {
            out.push_str(&format!(" {l:?}"));
        }
        if let Some(v) = &s.value {
            out.push_str(&format!(" = {v:?}"));
        }
        if s.children.is_empty() {
            out.push_str(" }");
        } else {
            out.push('\n');
            for c in &s.children {
                one(c, depth + 1, out);
                out.push('\n');
            }
            out.push_str(&"  ".repeat(depth));
            out.push('}');
        }
    }
    let mut out = String::new();
    for (i, s) in t.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        one(s, 0, &mut out);
    }
    out
}
