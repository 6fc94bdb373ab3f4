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
            case.file.starts_with("pass_") || !case.expected.is_empty(),
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

/// Real files of this machine, one or more per stock lens, that the error-position
/// differential breaks (those that exist and that C reads without error are used).
const REAL_FILES: &[&str] = &[
    "/etc/security/access.conf",
    "/etc/apt/preferences.d/nsolid",
    "/etc/cron.d/e2scrub_all",
    "/etc/crontab",
    "/etc/dpkg/dpkg.cfg",
    "/etc/fstab",
    "/etc/group",
    "/etc/gshadow",
    "/etc/host.conf",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/apache2/conf-available/javascript-common.conf",
    "/etc/iproute2/rt_protos",
    "/etc/inputrc",
    "/etc/ld.so.conf.d/fakeroot-x86_64-linux-gnu.conf",
    "/etc/security/limits.conf",
    "/etc/login.defs",
    "/etc/logrotate.d/dpkg",
    "/etc/logrotate.conf",
    "/etc/networks",
    "/etc/nsswitch.conf",
    "/etc/pam.d/common-session",
    "/etc/pam.d/login",
    "/etc/pam.conf",
    "/etc/passwd",
    "/etc/postgresql/15/main/pg_hba.conf",
    "/etc/postgresql/15/main/postgresql.conf",
    "/etc/protocols",
    "/etc/resolv.conf",
    "/etc/selinux/semanage.conf",
    "/etc/services",
    "/etc/shadow",
    "/etc/shells",
    "/etc/profile",
    "/etc/bash.bashrc",
    "/etc/wgetrc",
    "/etc/ldap/ldap.conf",
    "/etc/ssh/ssh_config",
    "/etc/sysctl.conf",
    "/etc/systemd/logind.conf",
    "/etc/systemd/journald.conf",
    "/etc/xml/catalog",
    "/etc/adduser.conf",
    "/etc/deluser.conf",
    "/etc/sudoers",
    "/etc/ca-certificates.conf",
    "/etc/debconf.conf",
    "/etc/gai.conf",
    "/etc/apt/apt.conf.d/01autoremove",
];

/// A small deterministic generator (xorshift), so that every run breaks files the same way.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Lines that no configuration format takes as they are.
const JUNK: &[&str] = &[
    "}}} junk {{{",
    "= = =",
    "[unclosed",
    "\"unterminated",
    "<tag attr=>",
    "\t;;; @@@",
    "key value = ; # x",
    ")",
];

/// The `n`-th broken version of `text`: cut at a random byte (even `n`), or a junk line
/// inserted at a random line (odd `n`).
fn broken(text: &str, n: usize, rng: &mut Rng) -> String {
    if n.is_multiple_of(2) {
        let mut cut = rng.below(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text[..cut].to_owned()
    } else {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let at = rng.below(lines.len() + 1);
        let junk = JUNK[rng.below(JUNK.len())];
        let mut out: String = lines[..at].concat();
        out.push_str(junk);
        out.push('\n');
        out.push_str(&lines[at..].concat());
        out
    }
}

/// `/augeas/files//error` and everything under it, one `path = "value"` line each, sorted.
fn errors_of(lines: &str) -> Vec<String> {
    let mut v: Vec<String> = lines
        .lines()
        .filter(|l| l.starts_with("/augeas/files/") && l.contains("/error"))
        .map(str::to_owned)
        .collect();
    v.sort();
    v
}

/// What aug-rs records under `/augeas/files//error` for the files under `root`, printed
/// as augtool prints them.
fn our_errors(root: &Path) -> Vec<String> {
    let dist = PathBuf::from("/usr/share/augeas/lenses/dist");
    let modules = aug_core::lang::autoload_modules(&[dist], Options::default());
    let aug = aug_core::Augeas::open(Some(root), aug_core::Flags::NONE, modules);
    let mut out = String::new();
    for p in aug.matches("/augeas/files//error").unwrap() {
        for q in std::iter::once(p.clone()).chain(aug.matches(&format!("{p}//*")).unwrap()) {
            match aug.get(&q).unwrap() {
                Some(v) => out.push_str(&format!("{q} = \"{v}\"\n")),
                None => out.push_str(&format!("{q}\n")),
            }
        }
    }
    errors_of(&out)
}

/// What C augtool records there.
fn c_errors(root: &Path) -> Option<Vec<String>> {
    let out = Command::new("augtool")
        .args(["-r"])
        .arg(root)
        .arg("print /augeas/files//error")
        .output()
        .ok()?;
    Some(errors_of(&String::from_utf8_lossy(&out.stdout)))
}

/// Breaks real files (cut short, or with a junk line) and compares every error node aug-rs
/// records with C augtool's: position (`pos`, `line`, `char`), message, the lens (named by
/// its position in its `.aug` file), and for an iteration that stopped short, the parts
/// that matched last and did not match next.
#[test]
fn error_positions_are_those_of_augtool() {
    if Command::new("augtool").arg("--version").output().is_err()
        || !Path::new("/usr/share/augeas/lenses/dist").is_dir()
    {
        eprintln!("skipped: C augtool or the stock lenses are not installed");
        return;
    }
    let rounds: usize = if std::env::var_os("RUN_SLOW_TESTS").is_some() {
        16
    } else {
        2
    };
    let files: Vec<(&str, String)> = REAL_FILES
        .iter()
        .filter_map(|f| Some((*f, std::fs::read_to_string(f).ok()?)))
        .collect();
    let mut rng = Rng(0x005e_ed0f_a097_2020);
    let (mut compared, mut agreed) = (0, 0);
    let mut wrong = Vec::new();
    for round in 0..rounds {
        let root = tempfile::tempdir().unwrap();
        for (f, text) in &files {
            let dest = root.path().join(f.trim_start_matches('/'));
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(&dest, broken(text, round, &mut rng)).unwrap();
        }
        let Some(c) = c_errors(root.path()) else {
            return;
        };
        let ours = our_errors(root.path());
        // Compare file by file: the error nodes of each file must be the same lines.
        let by_file = |lines: &[String]| {
            let mut m: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for l in lines {
                let file = l.split("/error").next().unwrap_or_default().to_owned();
                m.entry(file).or_default().push(l.clone());
            }
            m
        };
        let (c, ours) = (by_file(&c), by_file(&ours));
        let all: std::collections::BTreeSet<&String> = c.keys().chain(ours.keys()).collect();
        for file in all {
            compared += 1;
            if c.get(file) == ours.get(file) {
                agreed += 1;
            } else {
                wrong.push(format!(
                    "round {round}, {file}:\n  C:      {:?}\n  aug-rs: {:?}",
                    c.get(file),
                    ours.get(file)
                ));
            }
        }
    }
    eprintln!("error nodes agree with C augtool on {agreed} of {compared} broken files");
    assert!(
        compared > 25 * rounds,
        "only {compared} broken files compared"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
