//! The lens laws on a recursive stock lens: Json (`/usr/share/augeas/lenses/dist/json.aug`,
//! read when installed), over generated JSON documents nested at any depth. get must
//! accept them, put of the unchanged tree must give the text back (GetPut), and after
//! edits at any depth, get of what put wrote must give the edited tree (PutGet).

use crate::common::{dump, load};
use aug_core::lang::{Options, lens_modules};
use aug_core::lens::Lens;
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

const STOCK: &str = "/usr/share/augeas/lenses/dist";

/// The stock Json lens, or `None` (with a message once) when it is not installed.
fn json() -> Option<&'static Lens> {
    static LENS: OnceLock<Option<Lens>> = OnceLock::new();
    LENS.get_or_init(|| {
        if !std::path::Path::new(STOCK).join("json.aug").exists() {
            eprintln!("skipped: {STOCK}/json.aug is not installed (apt install augeas-lenses)");
            return None;
        }
        let modules = lens_modules(&[PathBuf::from(STOCK)], Options::default());
        let m = modules
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case("json"))?;
        Some(m.lens().expect("the stock Json lens builds").clone())
    })
    .as_ref()
}

/// A JSON value, to render as text.
#[derive(Debug, Clone)]
enum Value {
    Num(u32),
    Str(String),
    Const(&'static str),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<u32>().prop_map(Value::Num),
        "[a-z ]{0,6}".prop_map(Value::Str),
        prop_oneof![Just("true"), Just("false"), Just("null")].prop_map(Value::Const),
    ];
    leaf.prop_recursive(8, 64, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,4}", inner), 0..4).prop_map(Value::Object),
        ]
    })
}

/// Renders `v` either compactly or with one entry per line, indented.
fn render(v: &Value, pretty: bool, depth: usize, out: &mut String) {
    let nl = |out: &mut String, d: usize| {
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(d));
        }
    };
    match v {
        Value::Num(n) => out.push_str(&n.to_string()),
        Value::Str(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Value::Const(c) => out.push_str(c),
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(if pretty { "," } else { ", " });
                }
                nl(out, depth + 1);
                render(x, pretty, depth + 1, out);
            }
            if !items.is_empty() {
                nl(out, depth);
            }
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (k, x)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, depth + 1);
                out.push_str(&format!("\"{k}\": "));
                render(x, pretty, depth + 1, out);
            }
            if !entries.is_empty() {
                nl(out, depth);
            }
            out.push('}');
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn json_documents_obey_the_lens_laws(
        doc in value(),
        pretty in any::<bool>(),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        numbers in prop::collection::vec(any::<u32>(), 1..4),
    ) {
        let Some(lens) = json() else { return Ok(()) };
        let mut text = String::new();
        render(&doc, pretty, 0, &mut text);
        text.push('\n');
        let (mut t, f) = load(lens, "etc/app.json", &text)
            .map_err(|e| TestCaseError::fail(format!("get of {text:?}: {e}")))?;
        // GetPut.
        let back = lens.put(&t, f, &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &text);
        // Edits at any depth: new numbers for some number leaves, a new entry in some dicts.
        let nodes: Vec<_> = t.descendants_or_self(f).collect();
        for (pick, n) in picks.iter().zip(&numbers) {
            let node = *pick.get(&nodes);
            match t.label(node) {
                Some("number") => {
                    t.set_value(node, Some(&n.to_string()));
                }
                Some("dict") => {
                    let e = t.append_child(node, Some("entry"), Some("added")).unwrap();
                    t.append_child(e, Some("number"), Some(&n.to_string())).unwrap();
                }
                _ => {}
            }
        }
        let out = lens.put(&t, f, &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let (t2, f2) = load(lens, "etc/app.json", &out)
            .map_err(|e| TestCaseError::fail(format!("get of what put wrote {out:?}: {e}")))?;
        prop_assert_eq!(dump(&t2, f2, "etc/app.json"), dump(&t, f, "etc/app.json"));
    }
}
