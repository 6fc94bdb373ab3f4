//! Repository hygiene: every Rust source file states what it owns in a `//!` header and
//! carries no scaffolding markers (work left for later, stand-ins called temporary).

use std::path::{Path, PathBuf};

/// The files under `dir` whose names end with one of `exts`, build output, caches,
/// snapshots and hidden directories left out.
fn files_ending(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        if p.is_dir() {
            let skip = ["target", "snapshots", "__pycache__"];
            if !name.starts_with('.') && !skip.contains(&name.as_ref()) {
                files_ending(&p, exts, out);
            }
        } else if exts.iter().any(|x| name.ends_with(x)) {
            out.push(p);
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    files_ending(dir, &[".rs"], out);
}

/// The directories whose Rust sources are checked.
const CRATES: &[&str] = &[
    "aug-core",
    "lenses",
    "augtool-rs",
    "bindings/python",
    "bindings/c",
    "test-support",
    "fuzz",
];

/// Words that mark unfinished work or a placeholder. Written split so this file does not
/// match itself.
const MARKERS: &[(&str, &str)] = &[
    ("TO", "DO"),
    ("FIX", "ME"),
    ("to", "do!("),
    ("unimple", "mented!("),
    ("not merged ", "yet"),
    ("temporary ", "stand-in"),
    ("not yet ", "supported"),
    ("is unsup", "ported"),
    ("not compiled ", "in"),
];

#[test]
fn no_scaffolding_markers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in CRATES {
        rust_files(&root.join(krate), &mut files);
    }
    for doc in ["README.md", "ARCHITECTURE.md", "bindings/python/README.md"] {
        files.push(root.join(doc));
    }
    // The Python package and its tests (a skip "until the lens is merged" is a marker too).
    files_ending(&root.join("bindings/python"), &[".py", ".pyi"], &mut files);
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for (a, b) in MARKERS {
                if line.contains(&format!("{a}{b}")) {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "scaffolding markers:
{}",
        found.join("\n")
    );
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in CRATES {
        rust_files(&root.join(krate), &mut files);
    }
    assert!(files.len() > 3, "found too few files: {files:?}");
    let missing: Vec<_> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a //! header: {missing:?}"
    );
}

/// The modules of `aug-core/src/lens` that `path` (a file of one of them) names through
/// `super::…` or `crate::lens::…`, grouped imports included (comment lines skipped).
fn lens_modules_named(path: &Path, modules: &[String]) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut named = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for prefix in ["super::", "crate::lens::"] {
            for (at, _) in line.match_indices(prefix) {
                let mut rest = &line[at + prefix.len()..];
                while let Some(r) = rest.strip_prefix("super::") {
                    rest = r;
                }
                let items = match rest.strip_prefix('{') {
                    Some(group) => group.split('}').next().unwrap_or_default(),
                    None => rest,
                };
                for item in items.split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if modules.contains(&name) && !named.contains(&name) {
                        named.push(name);
                    }
                }
            }
        }
    }
    named
}

#[test]
fn lens_modules_do_not_import_each_other_in_a_cycle() {
    let lens = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lens");
    // Each child module of `lens` (not `mod.rs`, the parent, nor the tests) with its files.
    let mut modules: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for e in std::fs::read_dir(&lens).into_iter().flatten().flatten() {
        let p = e.path();
        let name = e
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if name == "mod" || name == "tests" {
            continue;
        }
        let mut files = Vec::new();
        if p.is_dir() {
            rust_files(&p, &mut files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        } else {
            continue;
        }
        modules.push((name, files));
    }
    modules.sort();
    let names: Vec<String> = modules.iter().map(|(n, _)| n.clone()).collect();
    assert!(
        names.iter().any(|n| n == "get"),
        "no lens modules found in {}",
        lens.display()
    );
    let edges: Vec<Vec<usize>> = modules
        .iter()
        .map(|(name, files)| {
            let mut to: Vec<usize> = Vec::new();
            for f in files {
                for m in lens_modules_named(f, &names) {
                    if let Some(i) = names.iter().position(|n| *n == m)
                        && m != *name
                        && !to.contains(&i)
                    {
                        to.push(i);
                    }
                }
            }
            to
        })
        .collect();
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit(i: usize, edges: &[Vec<usize>], state: &mut [u8], path: &mut Vec<usize>) -> bool {
        match state[i] {
            1 => {
                path.push(i);
                return true;
            }
            2 => return false,
            _ => {}
        }
        state[i] = 1;
        path.push(i);
        for &j in &edges[i] {
            if visit(j, edges, state, path) {
                return true;
            }
        }
        path.pop();
        state[i] = 2;
        false
    }
    let mut state = vec![0u8; names.len()];
    for i in 0..names.len() {
        let mut path = Vec::new();
        if visit(i, &edges, &mut state, &mut path) {
            let cycle: Vec<&str> = path.iter().map(|&j| names[j].as_str()).collect();
            panic!(
                "lens modules import each other in a cycle: {}",
                cycle.join(" -> ")
            );
        }
    }
}
