//! Malformed and unusual inputs (`testroot-expected/bad/`): the lenses must accept and
//! reject the same files as C Augeas, give the same tree when they accept, and report the
//! same error position (byte offset, line, 0-based `char`) when they reject.

use crate::common::{c_text, dump, files_under, lens_for, load, repo};

/// Cases C rejects where our error position differs from C's: none since get places its
/// errors as C's does (the end of the longest prefix the lens matches, or where the parts
/// of an iteration's body stop matching). Accept/reject is checked for every case.
const KNOWN_POSITION_DIFFS: &[&str] = &[];

/// Cases whose input is not UTF-8: `Lens::get` takes `&str`, so they cannot be run yet.
const NOT_UTF8: &[&str] = &[
    "hosts-binary-junk",
    "passwd-binary-junk",
    "cron-binary-junk",
    "logrotate-binary-junk",
];

fn field(error: &str, name: &str) -> Option<usize> {
    error.lines().find_map(|l| {
        let (path, v) = l.split_once(" = ")?;
        path.ends_with(&format!("/error/{name}"))
            .then(|| v.trim_matches('"').parse().ok())?
    })
}

#[test]
fn bad_inputs_like_c() {
    let dir = repo().join("testroot-expected/bad");
    let mut cases: Vec<_> = std::fs::read_dir(dir.join("inputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30);
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for case in &cases {
        let root = dir.join("inputs").join(case);
        let files = files_under(&root);
        let rel = &files[0];
        let bytes = std::fs::read(root.join(rel)).unwrap();
        let text = c_text(&bytes);
        let Ok(text) = std::str::from_utf8(&text) else {
            assert!(
                NOT_UTF8.contains(&case.as_str()),
                "{case}: unexpected non-UTF-8"
            );
            skipped.push(case.clone());
            continue;
        };
        let error = std::fs::read_to_string(dir.join(format!("{case}.error"))).unwrap();
        let print = std::fs::read_to_string(dir.join(format!("{case}.print"))).unwrap();
        let lens = lens_for(rel).unwrap();
        match (load(&lens, rel, text), error.is_empty()) {
            (Ok((t, f)), true) => {
                let got = dump(&t, f, rel);
                let prefix = format!("/files/{rel}");
                let want: String = print
                    .lines()
                    .filter(|l| l.starts_with(&prefix))
                    .map(|l| format!("{l}\n"))
                    .collect();
                if got != want {
                    failures.push(format!("{case}: tree differs\n{got}---\n{want}"));
                }
            }
            (Ok(_), false) => failures.push(format!("{case}: C rejects, we accept")),
            (Err(e), true) => failures.push(format!("{case}: C accepts, we reject: {e}")),
            (Err(e), false) => {
                let want = (
                    field(&error, "pos"),
                    field(&error, "line"),
                    field(&error, "char"),
                );
                let got = (Some(e.span.offset), Some(e.span.line), Some(e.span.col - 1));
                if want != got && !KNOWN_POSITION_DIFFS.contains(&case.as_str()) {
                    failures.push(format!(
                        "{case}: error at (pos, line, char) {got:?}, C says {want:?}: {e}"
                    ));
                } else if want == got && KNOWN_POSITION_DIFFS.contains(&case.as_str()) {
                    failures.push(format!(
                        "{case}: now matches C, drop it from the known list"
                    ));
                }
            }
        }
    }
    eprintln!("skipped (not UTF-8): {skipped:?}");
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
