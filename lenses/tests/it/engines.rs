//! The two ways get splits text (by automata, by the lenses' structure; see
//! `aug_core::lens::Engine`) read the same trees and fail with the same errors: texts made
//! of the testroot files' lines shuffled, repeated, cut and mixed with stray bytes, read
//! by the built-in lenses, and every testroot file read whole; also put, which reads the
//! original text again. (The default engine reads small texts by structure and, where that
//! fails, again with automata for Augeas's error message.)

use aug_core::lens::{Engine, Lens, with_engine};
use proptest::prelude::*;

/// The testroot files as (lens, lines).
fn samples() -> Vec<(Lens, Vec<String>)> {
    let root = crate::common::repo().join("testroot");
    crate::common::files_under(&root)
        .iter()
        .map(|rel| {
            let text = std::fs::read_to_string(root.join(rel)).unwrap();
            let lens = crate::common::lens_for(rel).unwrap();
            (lens, text.lines().map(str::to_owned).collect())
        })
        .collect()
}

/// What get gives, as text: the tree, or the error.
fn read(lens: &Lens, text: &str, engine: Engine) -> String {
    with_engine(engine, || match lens.get(text) {
        Ok(p) => format!("{:?} {:?}", p.children, p.value),
        Err(e) => format!("error: {e}"),
    })
}

#[test]
fn engines_read_every_testroot_file_alike() {
    let root = crate::common::repo().join("testroot");
    for rel in crate::common::files_under(&root) {
        let text = std::fs::read_to_string(root.join(&rel)).unwrap();
        let lens = crate::common::lens_for(&rel).unwrap();
        let a = read(&lens, &text, Engine::Automata);
        assert!(!a.starts_with("error"), "{rel}: {a}");
        assert_eq!(read(&lens, &text, Engine::Structural), a, "{rel}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn engines_agree(
        file in 0usize..64,
        picks in prop::collection::vec((0usize..256, 0usize..4, "[ -~\t]{0,3}"), 0..10),
    ) {
        let samples = samples();
        let (lens, lines) = &samples[file % samples.len()];
        let mut text = String::new();
        for (i, how, junk) in picks {
            let line = &lines[i % lines.len()];
            match how {
                // Most lines whole, some cut, some with stray bytes, some joined.
                0 | 1 => text.push_str(line),
                2 => text.push_str(line.get(..line.len() / 2).unwrap_or(line)),
                _ => {
                    text.push_str(line);
                    text.push_str(&junk);
                }
            }
            if how != 3 || junk.is_empty() {
                text.push('\n');
            }
        }
        let a = read(lens, &text, Engine::Automata);
        let s = read(lens, &text, Engine::Structural);
        // Forced, structure fails where automata do (with its own message) and reads the
        // same tree elsewhere; the default engine gives exactly what automata give.
        if a.starts_with("error") {
            prop_assert!(s.starts_with("error"), "text:\n{}\n{}", text, s);
        } else {
            prop_assert_eq!(s, a.clone(), "text:\n{}", text);
        }
        prop_assert_eq!(read(lens, &text, Engine::Auto), a, "text:\n{}", text);
        // Put reads the original text too (its layout): both give the same result.
        if let Ok((tree, f)) = crate::common::load(lens, "f", &text) {
            let put = |e| with_engine(e, || lens.put(&tree, f, &text).map_err(|e| e.to_string()));
            prop_assert_eq!(put(Engine::Structural), put(Engine::Automata));
        }
    }
}
