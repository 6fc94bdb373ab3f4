//! The bodies of the fuzz targets, as plain functions: each `fuzz_targets/*.rs` is a
//! one-line wrapper around one of them, and `tests/replay.rs` runs every committed
//! regression seed (`fuzz/regressions/<target>/*`) through the same function in a normal
//! `cargo test`, so CI replays past crashes without cargo-fuzz or libFuzzer.
//!
//! Every body returns quietly on inputs it does not care about and panics only when a
//! property fails; errors from the code under test are fine, panics, stack overflows
//! and unbounded memory are not.

#![warn(missing_docs)]

use aug_core::print::parse_print;
use aug_core::{NodeId, PathExpr, Tree, Vars};

/// The names of all targets, in the order `scripts/fuzz` runs them.
pub const TARGETS: &[&str] = &["path_eval", "lens_get", "lens_put", "tokenizer", "lang"];

/// Runs the body of the target called `name` on `data`; false for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    let body: fn(&[u8]) = match name {
        "path_eval" => path_eval,
        "lens_get" => lens_get,
        "lens_put" => lens_put,
        "tokenizer" => tokenizer,
        "lang" => lang,
        _ => return false,
    };
    body(data);
    true
}

const TREE: &str = "/files\n/files/etc\n/files/etc/hosts\n/files/etc/hosts/1\n\
/files/etc/hosts/1/ipaddr = \"127.0.0.1\"\n/files/etc/hosts/1/canonical = \"localhost\"\n\
/files/etc/hosts/1/alias[1] = \"a\"\n/files/etc/hosts/1/alias[2] = \"b\"\n\
/files/etc/hosts/#comment = \"x\"\n/files/etc/passwd\n/files/etc/passwd/root\n\
/files/etc/passwd/root/uid = \"0\"\n/files/etc/passwd/root/shell = \"/bin/bash\"\n";

/// Parses any string as a path expression and evaluates it against a small tree.
pub fn path_eval(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tree) = parse_print(TREE) else {
        return;
    };
    if let Ok(expr) = PathExpr::parse(text) {
        let _ = expr.eval(&tree, &Vars::new(), tree.root());
    }
}

/// Every built-in lens's get on arbitrary text; put of the unchanged tree must give the
/// text back (GetPut) whenever get succeeds.
pub fn lens_get(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Bytes 0x01-0x04 separate labels from values in put's tree encoding, so values that
    // contain them load but cannot be written back (as in Augeas).
    if data.iter().any(|b| (1..=4).contains(b)) {
        return;
    }
    for m in aug_lenses::builtin_lenses() {
        let Ok(lens) = (m.lens)() else { continue };
        let Ok(parsed) = lens.get(text) else { continue };
        let mut tree = Tree::new();
        let root = tree.root();
        for (i, c) in parsed.children.into_iter().enumerate() {
            tree.graft(root, i, c);
        }
        let out = lens.put(&tree, root, text);
        assert_eq!(out.as_deref(), Ok(text), "GetPut failed for {}", m.name);
    }
}

/// The tree as (depth, label, value) lines, with all-digit labels replaced by `#` and an
/// empty value shown as no value (put encodes both alike, as Augeas does).
fn shape(tree: &Tree) -> Vec<(usize, Option<String>, Option<String>)> {
    tree.descendants_or_self(tree.root())
        .skip(1)
        .map(|n| {
            let label = tree.label(n).map(|l| {
                if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) {
                    "#".to_owned()
                } else {
                    l.to_owned()
                }
            });
            let value = tree.value(n).filter(|v| !v.is_empty()).map(str::to_owned);
            (tree.depth(n), label, value)
        })
        .collect()
}

const FILES: &[(&str, &str)] = &[
    ("Hosts", include_str!("../../testroot/etc/hosts")),
    ("Passwd", include_str!("../../testroot/etc/passwd")),
    ("Cron", include_str!("../../testroot/etc/crontab")),
    (
        "Logrotate",
        include_str!("../../testroot/etc/logrotate.conf"),
    ),
];

/// Loads a testroot file, applies edits chosen by the input (set a value, remove a node,
/// insert a node), then puts. Put may refuse the tree, but when it succeeds, get of the
/// result must give the edited tree back (PutGet).
pub fn lens_put(data: &[u8]) {
    let Some((&pick, ops)) = data.split_first() else {
        return;
    };
    let Some(&(name, text)) = FILES.get(usize::from(pick) % FILES.len()) else {
        return;
    };
    let Some(Ok(lens)) = aug_lenses::builtin_lens(name).map(|m| (m.lens)()) else {
        return;
    };
    let Ok(parsed) = lens.get(text) else { return };
    let mut tree = Tree::new();
    let root = tree.root();
    for (i, c) in parsed.children.into_iter().enumerate() {
        tree.graft(root, i, c);
    }
    const VALUES: [&str; 7] = ["x", "", "1", "a b", "0:0", "#", "\n"];
    for op in ops.chunks(3) {
        let all: Vec<NodeId> = tree.descendants_or_self(root).skip(1).collect();
        let &[kind, which, v] = op else { break };
        let Some(&node) = all.get(usize::from(which) % all.len().max(1)) else {
            break;
        };
        let value = VALUES[usize::from(v) % VALUES.len()];
        match kind % 3 {
            0 => {
                tree.set_value(node, Some(value));
            }
            1 => {
                tree.remove(node);
            }
            _ => {
                let label = tree.label(node).map(str::to_owned);
                tree.insert_sibling(node, label.as_deref(), v % 2 == 0);
            }
        }
    }
    if let Ok(out) = lens.put(&tree, root, text) {
        let back = match lens.get(&out) {
            Ok(back) => back,
            Err(e) => panic!("put produced text its own get rejects: {e}\n{out:?}"),
        };
        let mut again = Tree::new();
        let r2 = again.root();
        for (i, c) in back.children.into_iter().enumerate() {
            again.graft(r2, i, c);
        }
        // `seq` labels are renumbered by get, so compare them by position only.
        assert_eq!(shape(&again), shape(&tree), "PutGet failed for {name}");
    }
}

/// Splits a command line into words the way augtool-rs does: the first byte chooses, bit
/// by bit, whether each word is a path or a plain string, the rest is the line. Every
/// word must consume input (else `parse_line` would loop forever).
pub fn tokenizer(data: &[u8]) {
    use aug_core::srun::tokenizer::{Kind, clean_path, is_blank, next_token};
    let Some((&kinds, line)) = data.split_first() else {
        return;
    };
    let Ok(line) = std::str::from_utf8(line) else {
        return;
    };
    let mut rest = line;
    let mut i = 0u32;
    while !rest.is_empty() {
        let kind = if (kinds >> (i % 8)) & 1 == 1 {
            Kind::Path
        } else {
            Kind::Str
        };
        match next_token(rest, kind) {
            Ok((word, r)) => {
                assert!(r.len() < rest.len(), "no progress on {rest:?}");
                assert!(rest.ends_with(r), "the rest is not a suffix of {rest:?}");
                if kind == Kind::Path {
                    let cleaned = clean_path(word.clone());
                    assert!(word.starts_with(&cleaned));
                }
                rest = r.trim_start_matches(is_blank);
            }
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        }
        i += 1;
    }
}

/// Loads arbitrary text as a `.aug` module (in a file named after its `module` line, with
/// an empty load path) and runs its tests; odd-length inputs are evaluated strictly.
pub fn lang(data: &[u8]) {
    use aug_core::lang::{Interpreter, Options};
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let name = src
        .split_whitespace()
        .skip_while(|w| *w != "module")
        .nth(1)
        .unwrap_or("fuzz")
        .to_lowercase();
    let options = Options {
        strict: data.len() % 2 == 1,
        ..Options::default()
    };
    let interp = Interpreter::new(Vec::new(), options);
    let _ = interp.run_source(&format!("{name}.aug"), src);
}
