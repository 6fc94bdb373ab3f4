//! The differential test: each script (unless marked `# differential: no`) runs through C
//! augtool and augtool-rs on separate copies of `testroot/`; standard output, the exit
//! code and the resulting files must be identical byte for byte. Skipped when `augtool`
//! is not installed.

use crate::support::{Script, augtool_rs, files_of, scripts};
use std::path::PathBuf;

/// C augtool, if it is on the PATH.
pub fn c_augtool() -> Option<PathBuf> {
    aug_test_support::which("augtool")
}

#[test]
fn same_as_c_augtool() {
    let Some(c) = c_augtool() else {
        eprintln!("skipped: C augtool is not installed");
        return;
    };
    let scripts = scripts();
    let mut failures = Vec::new();
    let mut compared = 0;
    for path in scripts {
        let script = Script::load(&path);
        if !script.differential {
            continue;
        }
        compared += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let (ours, our_root) = script.run(&augtool_rs());
        let (theirs, their_root) = script.run(&c);
        if ours.stdout != theirs.stdout {
            let diff = similar::TextDiff::from_lines(&theirs.stdout, &ours.stdout)
                .unified_diff()
                .header("augtool", "augtool-rs")
                .to_string();
            failures.push(format!("{name}: stdout differs\n{diff}"));
        }
        if ours.code != theirs.code {
            failures.push(format!(
                "{name}: exit code {} (augtool: {})",
                ours.code, theirs.code
            ));
        }
        if files_of(our_root.path()) != files_of(their_root.path()) {
            failures.push(format!("{name}: resulting files differ"));
        }
    }
    assert!(compared > 0, "no script was compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
