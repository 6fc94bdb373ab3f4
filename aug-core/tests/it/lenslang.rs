//! The lens language as strict as augparse: every module of `tests/data/lang/` is loaded
//! as augparse loads it (typechecked as a whole, every declaration evaluated, lenses
//! checked as they are made). A `pass_*` module must load with all its tests passing; a
//! `fail_*` module must fail, and its report must hold each line its `(* error: … *)`
//! comments give, which are C augparse's own (`(* notypecheck *)`: without the
//! typechecker). When C augparse is installed, the same is checked of it.

use aug_core::lang::{Interpreter, Options};
use std::path::{Path, PathBuf};
use std::process::Command;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/lang")
}

/// A module of the table: its file name, source, expected lines, and whether it runs
/// without the typechecker.
struct Case {
    file: String,
    src: String,
    expected: Vec<String>,
    typecheck: bool,
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = std::fs::read_dir(data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let file = p.file_name()?.to_str()?.to_owned();
            if !(file.starts_with("pass_") || file.starts_with("fail_")) {
                return None;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            let expected = src
                .lines()
                .filter_map(|l| l.strip_prefix("(* error: ")?.strip_suffix(" *)"))
                .map(str::to_owned)
                .collect();
            let typecheck = !src.lines().any(|l| l == "(* notypecheck *)");
            Some(Case {
                file,
                src,
                expected,
                typecheck,
            })
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// Removes the directories from file names (`./lang_broken.aug:` is `lang_broken.aug:`),
/// so that reports from different working directories compare.
fn strip_dirs(line: &str) -> String {
    let Some(colon) = line.find(".aug:") else {
        return line.to_owned();
    };
    let token = line[..colon].rfind(' ').map_or(0, |i| i + 1);
    match line[token..colon].rfind('/') {
        Some(slash) => format!("{}{}", &line[..token], &line[token + slash + 1..]),
        None => line.to_owned(),
    }
}

/// What aug-rs reports for the module: whether it loaded with every test passing, and
/// its report lines.
fn run_ours(case: &Case) -> (bool, Vec<String>) {
    let options = Options {
        typecheck: case.typecheck,
        strict: true,
    };
    let interp = Interpreter::new(vec![data()], options);
    match interp.run_source(&case.file, &case.src) {
        Ok(r) if r.failed == 0 => (true, r.output.lines().map(str::to_owned).collect()),
        Ok(r) => (false, r.failure),
        Err(e) => (false, e.report_lines()),
    }
}

/// What C augparse reports, if it is installed.
fn run_c(case: &Case) -> Option<(bool, Vec<String>)> {
    let mut cmd = Command::new("augparse");
    cmd.current_dir(data());
    if !case.typecheck {
        cmd.arg("--notypecheck");
    }
    let out = cmd.args(["-I", "."]).arg(&case.file).output().ok()?;
    // Test failures go to standard output, load errors to standard error.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some((
        out.status.success(),
        text.lines().map(str::to_owned).collect(),
    ))
}

/// Checks one tool's outcome for `case`; returns what is wrong.
fn judge(tool: &str, case: &Case, (ok, lines): (bool, Vec<String>)) -> Vec<String> {
    let lines: Vec<String> = lines.iter().map(|l| strip_dirs(l)).collect();
    let mut wrong = Vec::new();
    let must_pass = case.file.starts_with("pass_");
    if ok != must_pass {
        wrong.push(format!(
            "{tool}: {} {}\n    {}",
            case.file,
            if ok { "was accepted" } else { "was rejected" },
            lines.join("\n    ")
        ));
        return wrong;
    }
    for e in &case.expected {
        if !lines.iter().any(|l| l == e) {
            wrong.push(format!(
                "{tool}: {} lacks the line\n    {e}\n  in\n    {}",
                case.file,
                lines.join("\n    ")
            ));
        }
    }
    wrong
}

#[test]
fn modules_are_accepted_and_rejected_as_by_augparse() {
    let cases = cases();
    assert!(cases.len() > 90, "only {} modules", cases.len());
    let c_installed = Command::new("augparse").arg("--version").output().is_ok();
    let mut wrong = Vec::new();
    for case in &cases {
        assert!(
            case.file.starts_with("pass_")
                || !case.expected.is_empty()
                || case.file == "fail_let_no_body.aug"
                || case.file == "fail_let_rec_in.aug",
            "{} gives no expected line",
            case.file
        );
        wrong.extend(judge("aug-rs", case, run_ours(case)));
        if c_installed && let Some(c) = run_c(case) {
            wrong.extend(judge("C augparse", case, c));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn positions_in_reports_are_augeas_ranges() {
    assert_eq!(
        strip_dirs("./lang_broken.aug:2.8-.29:exception: x"),
        "lang_broken.aug:2.8-.29:exception: x"
    );
    assert_eq!(
        strip_dirs("    Lens: /a/b/c.aug:1.2-.3:"),
        "    Lens: c.aug:1.2-.3:"
    );
    assert_eq!(strip_dirs("no file here"), "no file here");
    assert!(Path::new(&data()).join("lang_helper.aug").is_file());
}
