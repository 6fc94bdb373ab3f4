//! Replays every committed regression seed, `fuzz/regressions/<target>/*` (inputs that
//! once crashed a target, kept after the fix), through the same body the fuzz target
//! runs. This is how CI checks past fuzz crashes without cargo-fuzz.

use std::path::Path;

#[test]
fn every_regression_seed_passes_its_target() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut replayed = 0;
    for target in aug_rs_fuzz::TARGETS {
        let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
            continue;
        };
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).expect("a readable seed");
            eprintln!("replaying {target}/{}", e.file_name().to_string_lossy());
            assert!(aug_rs_fuzz::run(target, &data));
            replayed += 1;
        }
    }
    eprintln!("{replayed} seeds replayed");
}

#[test]
fn every_target_has_a_binary() {
    let bins = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz_targets");
    for target in aug_rs_fuzz::TARGETS {
        assert!(bins.join(format!("{target}.rs")).is_file(), "{target}");
        assert!(aug_rs_fuzz::run(target, b""));
    }
}
