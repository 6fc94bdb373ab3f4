//! Every testroot file: get must print exactly what C augtool printed
//! (`testroot-expected/print/<file>.print`), and put of the unchanged tree must give the
//! original text back byte for byte (GetPut).

use crate::common::{dump, files_under, lens_for, load, repo};

fn testroot_files() -> Vec<String> {
    let files = files_under(&repo().join("testroot"));
    assert!(files.len() >= 11, "testroot is missing: {files:?}");
    files
}

#[test]
fn get_matches_c_print() {
    let root = repo();
    let mut failures = Vec::new();
    for rel in testroot_files() {
        let lens = lens_for(&rel).unwrap();
        let text = std::fs::read_to_string(root.join("testroot").join(&rel)).unwrap();
        let expected =
            std::fs::read_to_string(root.join(format!("testroot-expected/print/{rel}.print")))
                .unwrap();
        match load(&lens, &rel, &text) {
            Ok((t, f)) => {
                let got = dump(&t, f, &rel);
                if got != expected {
                    failures.push(format!(
                        "{rel}: tree differs\n--- got\n{got}--- expected\n{expected}"
                    ));
                }
            }
            Err(e) => failures.push(format!("{rel}: get failed: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn getput_is_identity() {
    let root = repo();
    let mut failures = Vec::new();
    for rel in testroot_files() {
        let lens = lens_for(&rel).unwrap();
        let text = std::fs::read_to_string(root.join("testroot").join(&rel)).unwrap();
        let Ok((t, f)) = load(&lens, &rel, &text) else {
            failures.push(format!("{rel}: get failed"));
            continue;
        };
        match lens.put(&t, f, &text) {
            Ok(out) if out == text => {}
            Ok(out) => failures.push(format!("{rel}: put changed the text:\n{out}")),
            Err(e) => failures.push(format!("{rel}: put failed: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
