//! End to end through aug-core's handle: open a copy of testroot with
//! [`aug_lenses::builtin_modules`] (so the registry's globs decide which lens reads which
//! file), print every file and compare with C, then replay every edit case through the
//! shared command engine (`Augeas::srun`) and save.

use crate::common::{files_under, repo};
use crate::edits::{Case, KNOWN_ERROR_PATH_DIFFS, parse_case};
use aug_core::Flags;
use std::path::Path;

/// Cases the path language rejects but C accepts (none left: `tabooext/.bak` works since
/// names may start with dots). The list guards against regressions: a listed case that
/// passes fails the test.
const PATH_BUGS: &[&str] = &[];

pub(crate) fn copy_testroot() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = repo().join("testroot");
    for rel in files_under(&src) {
        let to = dir.path().join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(&rel), to).unwrap();
    }
    dir
}

#[test]
fn handle_prints_like_c() {
    let dir = copy_testroot();
    let aug = aug_lenses::open(Some(dir.path()), Flags::NONE);
    let mut failures = Vec::new();
    for rel in files_under(&repo().join("testroot")) {
        let want =
            std::fs::read_to_string(repo().join(format!("testroot-expected/print/{rel}.print")))
                .unwrap();
        match aug.print(Some(&format!("/files/{rel}"))) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!("{rel}:\n{got}")),
            Err(e) => failures.push(format!("{rel}: {e}")),
        }
    }
    let errors = aug.print(Some("/augeas//error")).unwrap_or_default();
    assert!(errors.is_empty(), "load errors:\n{errors}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn replay(c: &Case) -> Result<(), String> {
    let dir = copy_testroot();
    let mut aug = aug_lenses::open(Some(dir.path()), Flags::NONE);
    let mut out = Vec::new();
    aug.srun(&c.commands.join("\n"), &mut out)
        .map_err(|e| format!("{e}"))?;
    let saved = aug.save();
    let meta = format!("/augeas/files/{}/error", c.file);
    let status = aug.get(&meta).ok().flatten();
    let text = std::fs::read_to_string(Path::new(dir.path()).join(&c.file)).unwrap_or_default();
    match (c.status.as_str(), status.as_deref()) {
        ("ok", None) if saved.is_ok() && text == c.text => Ok(()),
        ("ok", None) if saved.is_ok() => Err(format!("text differs:\n{text}")),
        ("put_failed", Some("put_failed")) if text == c.text => {
            // The node C's put failed on, unless a known difference says otherwise.
            let at = aug.get(&format!("{meta}/path")).ok().flatten();
            if at == c.error_path || KNOWN_ERROR_PATH_DIFFS.contains(&c.name.as_str()) {
                Ok(())
            } else {
                Err(format!(
                    "fails as C does, but at {at:?}; C at {:?}",
                    c.error_path
                ))
            }
        }
        (want, got) => Err(format!("status {got:?} (save {saved:?}), C {want}")),
    }
}

#[test]
fn handle_replays_edit_cases() {
    let mut names: Vec<_> = ["testroot-expected/edits", "lenses/tests/data/edits"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(repo().join(d))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect::<Vec<_>>()
        })
        .filter(|p| p.extension().is_some_and(|x| x == "case"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for n in &names {
        let name = n.file_stem().unwrap().to_string_lossy();
        let c = parse_case(&name, &std::fs::read_to_string(n).unwrap());
        match replay(&c) {
            Err(e) if !PATH_BUGS.contains(&&*name) => failures.push(format!("{name}: {e}")),
            Ok(()) if PATH_BUGS.contains(&&*name) => {
                failures.push(format!("{name}: passes now, drop it from PATH_BUGS"))
            }
            _ => {}
        }
    }
    eprintln!(
        "handle: {} of {} edit cases like C ({} blocked by the path language)",
        names.len() - failures.len() - PATH_BUGS.len(),
        names.len(),
        PATH_BUGS.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Bad inputs where the handle's loader still differs from C: it does not stop at a NUL
/// byte (C reads the file as a C string). (Files that are not UTF-8, such as the hosts
/// junk, load as in C since issue 19.)
const LOADER_DIFFS: &[&str] = &["hosts-nul-byte"];

#[test]
fn handle_loads_bad_inputs_like_c() {
    let dir = repo().join("testroot-expected/bad");
    let mut cases: Vec<_> = std::fs::read_dir(dir.join("inputs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let aug = aug_lenses::open(Some(&dir.join("inputs").join(case)), Flags::NONE);
        let c_failed = !std::fs::read_to_string(dir.join(format!("{case}.error")))
            .unwrap()
            .is_empty();
        let want = std::fs::read_to_string(dir.join(format!("{case}.print"))).unwrap();
        let got = aug.print(Some("/files")).unwrap_or_default();
        let errors = aug.print(Some("/augeas//error")).unwrap_or_default();
        let ok = c_failed != errors.is_empty() && got == want;
        if ok == LOADER_DIFFS.contains(&case.as_str()) {
            failures.push(format!(
                "{case}: C failed: {c_failed}\n{errors}{got}---\n{want}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A handle opened on one thread works on another: moved there with files loaded, it edits
/// and saves; a lens first needed on that thread (a stock `.aug` module, when the stock
/// lenses are installed) is built there.
#[test]
fn r9_handle_moved_to_another_thread() {
    let dir = copy_testroot();
    let stock = Path::new("/usr/share/augeas/lenses/dist");
    let fstab = stock.join("fstab.aug").exists();
    if fstab {
        let etc = dir.path().join("etc");
        std::fs::write(etc.join("fstab"), "/dev/sda1 / ext4 defaults 0 1\n").unwrap();
    }
    let aug = aug_lenses::open_with(Some(dir.path()), Flags::NO_LOAD, &[stock.to_path_buf()]);
    let root = dir.path().to_path_buf();
    let handle = std::thread::spawn(move || {
        let mut aug = aug;
        aug.load().unwrap();
        aug.set("/files/etc/hosts/1/canonical", Some("moved.example.com"))
            .unwrap();
        if fstab {
            assert_eq!(
                aug.get("/files/etc/fstab/1/vfstype").unwrap().as_deref(),
                Some("ext4")
            );
            aug.set("/files/etc/fstab/1/vfstype", Some("xfs")).unwrap();
        }
        aug.save().unwrap();
        aug
    });
    let aug = handle.join().unwrap();
    let hosts = std::fs::read_to_string(root.join("etc/hosts")).unwrap();
    assert!(hosts.contains("moved.example.com"), "{hosts}");
    if fstab {
        let text = std::fs::read_to_string(root.join("etc/fstab")).unwrap();
        assert_eq!(text, "/dev/sda1 / xfs defaults 0 1\n");
    } else {
        eprintln!(
            "skipped the stock-module half: {} is absent",
            stock.display()
        );
    }
    // Back on the first thread, the handle still answers.
    assert_eq!(
        aug.get("/files/etc/hosts/1/canonical").unwrap().as_deref(),
        Some("moved.example.com")
    );
}
