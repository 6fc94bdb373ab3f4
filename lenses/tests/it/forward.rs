//! Get reads a recursive lens forward first, deciding each choice by looking ahead, and
//! falls back on the memoising parser where that cannot tell (see `aug_core::lens::forward`).
//! Both must read the same trees and fail with the same errors: the stock recursive
//! lenses (read when installed) over the samples listed in `tests/data/forward/samples.txt`,
//! whole and with their lines shuffled, repeated, cut and mixed with stray bytes; also put,
//! which reads the original text and the entries around an edit again.

use aug_core::lang::{Options, lens_modules};
use aug_core::lens::{Engine, Lens, with_engine, with_forward};
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

const STOCK: &str = "/usr/share/augeas/lenses/dist";

/// The samples as (module, lens, text), or none (with a message) when the stock lenses
/// are not installed.
fn samples() -> &'static [(String, Lens, String)] {
    static SAMPLES_READ: OnceLock<Vec<(String, Lens, String)>> = OnceLock::new();
    SAMPLES_READ.get_or_init(|| {
        if !std::path::Path::new(STOCK).join("json.aug").exists() {
            eprintln!("skipped: {STOCK} is not installed (apt install augeas-lenses)");
            return Vec::new();
        }
        let modules = lens_modules(&[PathBuf::from(STOCK)], Options::default());
        let dir = crate::common::repo().join("lenses/tests/data/forward");
        let list = std::fs::read_to_string(dir.join("samples.txt")).unwrap();
        list.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(' '))
            .map(|(module, file)| {
                let m = modules
                    .iter()
                    .find(|m| m.name.eq_ignore_ascii_case(module))
                    .unwrap();
                let text = std::fs::read_to_string(dir.join(file)).unwrap();
                (module.to_owned(), m.lens().unwrap().clone(), text)
            })
            .collect()
    })
}

/// What get gives with automata (the engine that reads forward), forward first or not:
/// the tree, or the error.
fn read(lens: &Lens, text: &str, forward: bool) -> String {
    with_forward(forward, || {
        with_engine(Engine::Automata, || match lens.get(text) {
            Ok(p) => format!("{:?} {:?}", p.children, p.value),
            Err(e) => format!("error: {e}"),
        })
    })
}

#[test]
fn forward_reads_every_sample_as_the_memoising_parser() {
    for (module, lens, text) in samples() {
        let on = read(lens, text, true);
        assert!(!on.starts_with("error"), "{module}: {on}");
        assert_eq!(read(lens, text, false), on, "{module}");
    }
}

/// Strategy for a text made of a sample's lines.
fn mixed(lines: &[&str], picks: &[(usize, usize, String)]) -> String {
    let mut text = String::new();
    for (i, how, junk) in picks {
        let line = lines[i % lines.len()];
        match how {
            // Most lines whole, some cut, some with stray bytes.
            0 | 1 => text.push_str(line),
            2 => text.push_str(line.get(..line.len() / 2).unwrap_or(line)),
            _ => {
                text.push_str(line);
                text.push_str(junk);
            }
        }
        text.push('\n');
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn forward_agrees_with_the_memoising_parser(
        sample in 0usize..64,
        keep_order in any::<bool>(),
        picks in prop::collection::vec((0usize..256, 0usize..6, "[ -~\t]{0,3}"), 0..24),
        edit in 0usize..1024,
    ) {
        let samples = samples();
        if samples.is_empty() {
            return Ok(());
        }
        let (module, lens, whole) = &samples[sample % samples.len()];
        let lines: Vec<&str> = whole.lines().collect();
        // In order, the nesting mostly holds (a few lines dropped or broken); shuffled,
        // it mostly does not.
        let picks: Vec<(usize, usize, String)> = if keep_order {
            let mut v: Vec<(usize, usize, String)> =
                (0..lines.len()).map(|i| (i, 0, String::new())).collect();
            for (at, how, junk) in picks {
                let i = at % lines.len();
                v[i] = (i, if how >= 4 { how } else { 0 }, junk);
            }
            v.into_iter()
                .filter(|(_, how, _)| *how != 5)
                .map(|(i, how, junk)| (i, how.min(3), junk))
                .collect()
        } else {
            picks.into_iter().map(|(i, how, j)| (i, how.min(3), j)).collect()
        };
        let text = mixed(&lines, &picks);
        let on = read(lens, &text, true);
        prop_assert_eq!(read(lens, &text, false), on.clone(), "{}, text:\n{}", module, text);
        // Put reads the original text again, for its layout, and the entries around an
        // edit (here a value made a letter or digit longer) from their own spans.
        if !on.starts_with("error")
            && let Ok((mut tree, f)) = crate::common::load(lens, "f", &text)
        {
            let valued: Vec<_> = tree
                .descendants_or_self(f)
                .filter(|&n| tree.value(n).is_some())
                .collect();
            if !valued.is_empty() {
                let n = valued[edit % valued.len()];
                let mut v = tree.value(n).unwrap_or_default().to_owned();
                if let Some(c) = v.chars().last().filter(char::is_ascii_alphanumeric) {
                    v.push(c);
                }
                tree.set_value(n, Some(&v));
            }
            let put = |fwd| {
                with_forward(fwd, || {
                    with_engine(Engine::Automata, || {
                        lens.put(&tree, f, &text).map_err(|e| e.to_string())
                    })
                })
            };
            prop_assert_eq!(put(true), put(false), "{}", module);
        }
    }
}
