//! The differential edit fuzzer (issue 16): random edit sessions over the sample root, each
//! run through C augtool and augtool-rs on separate copies of `testroot/`, comparing
//! standard output, exit status and every file on disk byte for byte.
//!
//! A session is 3–8 random commands (set, rm, ins, mv, cp, rename, clear, touch, setm,
//! clearm, defvar, defnode, load, save and queries) over the paths, labels and values of the
//! sample tree, then `save` and `match /augeas/files//error`. Both tools run with `-A` and
//! the stock transforms of the sample files given with `-t`, one file each in path order,
//! so they load the same files in the same order (see [`transforms`]).
//!
//! A disagreement is either one of the [`ACCEPTED`] differences (each documented there,
//! and in the README) or a failure: it is then shrunk to a minimal session, which belongs
//! in `tests/data/edit-fuzz/regressions.txt`.
//!
//! - `cargo test -p augtool-rs --test it editfuzz` replays the regressions and a fixed set
//!   of random sessions (when C augtool is installed);
//! - `scripts/edit-fuzz SECS [SEED]` runs random sessions for SECS seconds and prints the
//!   figures and every shrunk failure.

use crate::support::{augtool_rs, files_of, root_copy, run_program, testroot};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The transforms of the sample files (`-t` arguments), one `incl` per file in path
/// order, so that both tools load the same files in the same order: aug-rs loads in path
/// order, Augeas in the order of the transforms, their `incl` patterns and each glob's
/// directory listing, which depends on the file system. `new` files in the two
/// directories let sessions create files.
fn transforms() -> Vec<String> {
    let listing = |dir: &'static str| {
        let mut names: Vec<String> = std::fs::read_dir(testroot().join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .chain(["new".to_owned()])
            .collect();
        names.sort();
        names.into_iter().map(move |n| format!("/{dir}/{n}"))
    };
    let mut out = Vec::new();
    for f in listing("etc/cron.d").chain(["/etc/crontab".to_owned()]) {
        out.push(format!("Cron.lns incl {f}"));
    }
    out.push("Hosts.lns incl /etc/hosts".to_owned());
    for f in ["/etc/logrotate.conf".to_owned()]
        .into_iter()
        .chain(listing("etc/logrotate.d"))
    {
        out.push(format!("Logrotate.lns incl {f}"));
    }
    out.push("Passwd.lns incl /etc/passwd".to_owned());
    out
}

/// The options both tools run with: no autoload, the sample transforms.
pub fn options() -> Vec<String> {
    let mut args = vec!["-A".to_owned()];
    for t in transforms() {
        args.push("-t".to_owned());
        args.push(t);
    }
    args
}

/// A small deterministic random number generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `p` percent.
    pub fn chance(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What the generator draws from: the sample tree's paths, labels and values.
#[derive(Debug)]
pub struct Vocab {
    paths: Vec<String>,
    labels: Vec<String>,
    values: Vec<String>,
}

impl Vocab {
    /// Reads the sample root through the library with the built-in lenses.
    pub fn of_testroot() -> Vocab {
        let root = root_copy();
        let aug = aug_lenses::open(Some(root.path()), aug_core::Flags::NONE);
        let paths = aug.matches("/files//*").unwrap();
        let mut labels = std::collections::BTreeSet::new();
        let mut values = std::collections::BTreeSet::new();
        for p in &paths {
            if let Ok(Some(l)) = aug.label(p) {
                labels.insert(l);
            }
            if let Ok(Some(v)) = aug.get(p) {
                values.insert(v);
            }
        }
        Vocab {
            paths,
            labels: labels.into_iter().collect(),
            values: values.into_iter().collect(),
        }
    }
}

/// Labels and values that the sample tree does not have, some of them awkward.
const NEW_LABELS: &[&str] = &["x", "new", "alias", "#comment", "9", "10", "ipaddr", "a b"];
const NEW_VALUES: &[&str] = &[
    "x",
    "10.1.2.3",
    "",
    "two words",
    "#",
    "a=b",
    "*",
    "/bin/false",
    "1",
];
/// Path steps for junk paths.
const JUNK_STEPS: &[&str] = &[
    "etc",
    "etc[2]",
    "hosts",
    "hosts[2]",
    "*",
    "1",
    "99",
    "alias",
    "alias[last()]",
    "alias[last()+1]",
    "..",
    "seq::*",
    "descendant::x",
    "following-sibling::*[1]",
    "*[ipaddr]",
    "x",
];

/// Splits an escaped path into its steps (a `/` after a backslash is part of a label).
fn steps(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' => {
                cur.push(c);
                escaped = true;
            }
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            '/' if depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A label escaped for a path step.
fn step_of(label: &str) -> String {
    aug_core::Augeas::escape_name(label)
}

/// A value as one augtool word: double quotes, with `\` and `"` escaped.
fn quote(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\t' => s.push_str("\\t"),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

/// The session generator.
struct Gen<'a> {
    rng: Rng,
    vocab: &'a Vocab,
    /// Whether `$v` is defined by an earlier command.
    var: bool,
}

impl Gen<'_> {
    fn existing(&mut self) -> String {
        self.rng.pick(&self.vocab.paths).clone()
    }

    /// A node above or at the level of the files (`/files/etc/hosts`), now and then.
    fn file_level(&mut self) -> String {
        let p = self.existing();
        let s = steps(&p);
        let keep = 2 + self.rng.below(2);
        format!("/{}", s[..keep.min(s.len())].join("/"))
    }

    fn label(&mut self) -> String {
        if self.rng.chance(60) {
            self.rng.pick(&self.vocab.labels).clone()
        } else {
            (*self.rng.pick(NEW_LABELS)).to_owned()
        }
    }

    fn value(&mut self) -> String {
        if self.rng.chance(60) {
            self.rng.pick(&self.vocab.values).clone()
        } else {
            (*self.rng.pick(NEW_VALUES)).to_owned()
        }
    }

    fn junk(&mut self) -> String {
        let n = 1 + self.rng.below(4);
        let mut p = String::from("/files/etc");
        for _ in 0..n {
            p.push('/');
            let step = *self.rng.pick(JUNK_STEPS);
            p.push_str(step);
        }
        p
    }

    /// A path to edit: mostly existing nodes or new children of them, some with
    /// predicates, wildcards or variables, some junk.
    fn path(&mut self) -> String {
        let base = self.existing();
        let mut s = steps(&base);
        match self.rng.below(20) {
            0..=7 => base,
            8..=9 => {
                // A new child.
                format!("{base}/{}", step_of(&self.label()))
            }
            10 => {
                // Append after the last node with the same label.
                if let Some(last) = s.pop() {
                    let label = last.split('[').next().unwrap_or(&last).to_owned();
                    s.push(format!("{label}[last()+1]"));
                }
                format!("/{}", s.join("/"))
            }
            11 => {
                // A wildcard in place of one step.
                if s.len() > 2 {
                    let i = 2 + self.rng.below(s.len() - 2);
                    s[i] = "*".into();
                }
                format!("/{}", s.join("/"))
            }
            12 => {
                // A predicate on a child's value.
                // Raw TABs in a script line make augtool's readline complete words.
                let v = self.value().replace(['\'', '\t'], "");
                let l = step_of(&self.label());
                if s.len() > 3 {
                    s.truncate(3);
                }
                format!("/{}/*[{l}='{v}']", s.join("/"))
            }
            13 => {
                // A descendant search.
                let l = step_of(&self.label());
                let f = self.file_level();
                format!("{f}//{l}")
            }
            14 => {
                if self.var {
                    format!("$v/{}", step_of(&self.label()))
                } else {
                    base
                }
            }
            15 => self.file_level(),
            16 => {
                // Positional steps.
                if let Some(last) = s.pop() {
                    let label = last.split('[').next().unwrap_or(&last).to_owned();
                    let pos = ["[1]", "[2]", "[last()]", "[3]"];
                    s.push(format!("{label}{}", self.rng.pick(&pos)));
                }
                format!("/{}", s.join("/"))
            }
            _ => self.junk(),
        }
    }

    fn command(&mut self) -> String {
        match self.rng.below(100) {
            0..=29 => {
                let p = self.path();
                if self.rng.chance(8) {
                    format!("set {p}")
                } else {
                    format!("set {p} {}", quote(&self.value()))
                }
            }
            30..=39 => format!("rm {}", self.path()),
            40..=47 => {
                let w = if self.rng.chance(50) {
                    "before"
                } else {
                    "after"
                };
                format!("ins {} {w} {}", step_of(&self.label()), self.path())
            }
            48..=53 => format!("mv {} {}", self.path(), self.path()),
            54..=59 => format!("cp {} {}", self.path(), self.path()),
            60..=64 => format!("rename {} {}", self.path(), step_of(&self.label())),
            65..=68 => format!("clear {}", self.path()),
            69..=71 => format!("touch {}", self.path()),
            72..=76 => {
                let mut s = steps(&self.existing());
                s.truncate(3 + self.rng.below(2));
                let base = format!("/{}/*", s.join("/"));
                let sub = step_of(&self.label());
                if self.rng.chance(70) {
                    format!("setm {base} {sub} {}", quote(&self.value()))
                } else {
                    format!("clearm {base} {sub}")
                }
            }
            77..=80 => {
                self.var = true;
                let p = self.path();
                if self.rng.chance(50) {
                    format!("defvar v {p}")
                } else {
                    format!("defnode v {p} {}", quote(&self.value()))
                }
            }
            81..=82 => "load".into(),
            83..=85 => "save".into(),
            86..=89 => format!("match {}", self.path()),
            90..=93 => format!("get {}", self.path()),
            94..=96 => format!("print {}", self.file_level()),
            _ => format!("ls {}", self.file_level()),
        }
    }

    fn session(&mut self) -> Vec<String> {
        let n = 3 + self.rng.below(6);
        let mut cmds: Vec<String> = (0..n).map(|_| self.command()).collect();
        cmds.push("save".into());
        cmds
    }
}

/// Generates the session of `seed`.
pub fn session(vocab: &Vocab, seed: u64) -> Vec<String> {
    Gen {
        rng: Rng::new(seed),
        vocab,
        var: false,
    }
    .session()
}

/// One run of a tool on a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output, with the root's path replaced by `ROOT`.
    pub stdout: String,
    /// Standard error, likewise.
    pub stderr: String,
    /// The exit code; -1 when the process was killed by a signal (a crash).
    pub code: i32,
    /// Every file under the root, with its bytes.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Runs `cmds` through `program` on a fresh copy of the sample root.
pub fn run(program: &Path, cmds: &[String]) -> Outcome {
    let root = root_copy();
    let r = root.path().to_str().unwrap().to_owned();
    let script = tempfile::NamedTempFile::new().unwrap();
    // The errors recorded in the tree end every run, so that what went wrong where shows
    // in the output however a session is shrunk.
    std::fs::write(
        script.path(),
        cmds.join("\n") + "\nmatch /augeas/files//error\n",
    )
    .unwrap();
    let opts = options();
    let mut args: Vec<&str> = vec!["-r", &r];
    args.extend(opts.iter().map(String::as_str));
    args.extend(["-f", script.path().to_str().unwrap()]);
    let home = tempfile::tempdir().unwrap();
    let out = run_program(program, &args, "", home.path());
    Outcome {
        stdout: out.stdout.replace(&r, "ROOT"),
        stderr: out.stderr.replace(&r, "ROOT"),
        code: out.code,
        files: files_of(root.path()),
    }
}

/// A difference between C augtool and augtool-rs that is expected, with why.
#[derive(Debug)]
pub struct Accepted {
    /// A short name, used in the figures.
    pub name: &'static str,
    /// Why the difference is right.
    pub why: &'static str,
    /// Whether a disagreement is this one.
    pub applies: fn(&Disagreement) -> bool,
}

/// Both runs of one session that disagree.
#[derive(Debug)]
pub struct Disagreement {
    /// The session.
    pub cmds: Vec<String>,
    /// C augtool's run.
    pub c: Outcome,
    /// augtool-rs's run.
    pub rs: Outcome,
}

/// The accepted differences. Everything else is a failure. Each one is also listed in the
/// README's "Differences from Augeas 1.14".
pub const ACCEPTED: &[Accepted] = &[
    Accepted {
        name: "c-crashed",
        why: "C augtool crashed (a signal); a crash is no model. Seen: mv/cp onto an \
              ancestor (double free), sibling axes of the root. Checked: the session up to \
              the command that crashes C agrees.",
        applies: |d| d.c.code == -1 && agrees_before_crash(d),
    },
    Accepted {
        name: "refused-onto-ancestor",
        why: "mv/cp onto the source's own ancestor replaces the ancestor's children and \
              deletes every other file below it on save; aug-rs refuses it (C crashes or \
              loses the files). Checked: without the commands aug-rs refused, both tools \
              agree.",
        applies: |d| {
            d.rs.stderr.contains(" is an ancestor of ") && agrees_without_failed_commands(d)
        },
    },
    Accepted {
        name: "refused-file-clash",
        why: "a mv/cp/rename would make two nodes name the same file (`/files/etc` and \
              `/files/etc[2]`, `passwd` renamed over `hosts`): aug-rs refuses it; C saves \
              one over the other. Checked: without the commands aug-rs refused, both tools \
              agree.",
        applies: |d| {
            d.rs.stderr.contains("would describe the same file")
                && agrees_without_failed_commands(d)
        },
    },
    Accepted {
        name: "save-refused-two-nodes",
        why: "two nodes name the same file (`hosts` and `hosts[2]` after an ins, \
              `/files/etc[2]` after a set): aug-rs's save refuses that file \
              (`multiple_nodes`) and leaves it as it is; C writes one of the nodes over the \
              other, often as an empty file. Checked: every other file is the same.",
        applies: |d| {
            let refused = refused_files(d);
            !refused.is_empty() && same_files_but(&d.c.files, &d.rs.files, &refused)
        },
    },
    Accepted {
        name: "c-drops-new-file-on-load",
        why: "a file whose node was made in the tree (not loaded) and then saved: Augeas's \
              next load drops that file's tree (the load after reads it again); aug-rs \
              keeps it, as it is on disk. Checked: with every load done twice, both tools \
              agree.",
        applies: |d| {
            let Some(c) = c_augtool() else {
                return false;
            };
            if !d.cmds.iter().any(|c| c == "load") {
                return false;
            }
            let twice: Vec<String> = d
                .cmds
                .iter()
                .flat_map(|c| {
                    let n = if c == "load" { 2 } else { 1 };
                    std::iter::repeat_n(c.clone(), n)
                })
                .collect();
            let (c, rs) = (run(&c, &twice), run(&augtool_rs(), &twice));
            c.stdout == rs.stdout && c.code == rs.code && c.files == rs.files
        },
    },
    Accepted {
        name: "c-ignores-saved-new-file",
        why: "a file whose node was made in the tree (not loaded: after an `rm` of the old \
              one, say) and then saved: Augeas ignores every later change to that file until \
              the next load, and reports success (the edits are lost); aug-rs saves them (or \
              reports why it cannot). Checked: with a load done twice after every save, both \
              tools agree.",
        applies: |d| {
            let Some(c) = c_augtool() else {
                return false;
            };
            if d.cmds.iter().filter(|c| *c == "save").count() < 2 {
                return false;
            }
            let reloaded: Vec<String> = d
                .cmds
                .iter()
                .flat_map(|c| {
                    let mut v = vec![c.clone()];
                    if c == "save" {
                        v.extend(["load".to_owned(), "load".to_owned()]);
                    }
                    v
                })
                .collect();
            let (c, rs) = (run(&c, &reloaded), run(&augtool_rs(), &reloaded));
            c.stdout == rs.stdout && c.code == rs.code && c.files == rs.files
        },
    },
    Accepted {
        name: "c-empty-label-error",
        why: "after a file whose save failed is removed from the tree, C's save fails on \
              the `path` of the old error and records a second error under a node with an \
              empty label (`…/sysstat//error`), which its own `match` then reports as \
              ambiguous; aug-rs fails the save the same way (the file stays) without the \
              stray node. Checked: the files are the same.",
        applies: |d| {
            (d.c.stdout.contains("//error") || d.c.stderr.contains("//error"))
                && d.c.files == d.rs.files
        },
    },
    Accepted {
        name: "c-stray-error-node",
        why: "when a file whose save fails is moved, removed or doubled (`ins` of its \
              directory's name), C's save also records a `canon_augorig` error under a \
              path that repeats the file's (`/augeas/files/etc/crontab/files/etc/crontab/\
              entry[2]/error`); aug-rs records the file's own error only. Checked: the \
              output is the same but for those lines, and so are the files and the exit \
              status.",
        applies: |d| {
            let stray = |l: &&str| {
                l.strip_prefix("/augeas/files/")
                    .is_some_and(|rest| rest.contains("/files/"))
            };
            let c: Vec<&str> = d.c.stdout.lines().filter(|l| !stray(l)).collect();
            c.len() < d.c.stdout.lines().count()
                && c == d.rs.stdout.lines().collect::<Vec<_>>()
                && d.c.code == d.rs.code
                && d.c.files == d.rs.files
        },
    },
    Accepted {
        name: "atomic-failure",
        why: "a command that failed in both tools left part of its work in C's tree (the \
              destination a failed mv/cp created, the nodes a failed setm/clearm changed \
              before its error); aug-rs undoes all of it. Checked: every command that \
              failed in aug-rs failed in C too, and without them both tools agree.",
        applies: |d| failed_alike(d) == Some(false),
    },
    Accepted {
        name: "reported-swallowed-failure",
        why: "a defnode whose path cannot be created does nothing in C and reports \
              nothing; aug-rs reports it, and the exit status says so. Checked: the other \
              commands that failed in aug-rs failed in C too, and without them both tools \
              agree.",
        applies: |d| failed_alike(d) == Some(true),
    },
];

/// The commands of the session that failed when run by `program`: command `i` failed
/// when the session cut after it reports more errors than the session cut before it.
fn failed_commands(program: &Path, cmds: &[String]) -> Vec<usize> {
    let mut failed = Vec::new();
    let mut errors_before = 0;
    for i in 0..cmds.len() {
        let errors = errors(&run(program, &cmds[..=i]));
        if errors > errors_before {
            failed.push(i);
        }
        errors_before = errors;
    }
    failed
}

/// The commands of the session that failed in `program`, but for `save`s: a failed save
/// is what a session checks, not a command whose leftovers may be dropped (a save that
/// failed in both tools, left out, hid a later save that wrote a file without its
/// changes).
fn failed_tree_commands(program: &Path, cmds: &[String]) -> Vec<usize> {
    failed_commands(program, cmds)
        .into_iter()
        .filter(|&i| cmds.get(i).is_some_and(|c| c.trim() != "save"))
        .collect()
}

/// The files augtool-rs's saves refused because two nodes name them: from the errors
/// that end the session, or, when a later `load` cleared those, from the errors after
/// each `save` of it.
fn refused_files(d: &Disagreement) -> Vec<String> {
    let refused = |out: &str| -> Vec<String> {
        out.lines()
            .filter_map(|l| l.strip_suffix("/error = multiple_nodes"))
            .filter_map(|l| l.strip_prefix("/augeas/files/"))
            .map(str::to_owned)
            .collect()
    };
    let mut files = refused(&d.rs.stdout);
    if files.is_empty() {
        for i in (0..d.cmds.len()).filter(|&i| d.cmds[i].trim() == "save") {
            files.extend(refused(&run(&augtool_rs(), &d.cmds[..=i]).stdout));
        }
        files.sort();
        files.dedup();
    }
    files
}

/// Whether both tools agree on the session up to (without) the command that makes C
/// crash.
fn agrees_before_crash(d: &Disagreement) -> bool {
    let Some(c) = c_augtool() else {
        return false;
    };
    let Some(at) = (0..d.cmds.len()).find(|&i| run(&c, &d.cmds[..=i]).code == -1) else {
        return false;
    };
    let prefix = &d.cmds[..at];
    let (c, rs) = (run(&c, prefix), run(&augtool_rs(), prefix));
    c.stdout == rs.stdout && c.code == rs.code && c.files == rs.files
}

/// Whether the files are the same but for those named in `except` (relative paths).
fn same_files_but(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], except: &[String]) -> bool {
    let keep = |f: &&(String, Vec<u8>)| !except.contains(&f.0);
    a.iter().filter(keep).eq(b.iter().filter(keep))
}

/// Whether both tools agree once the commands that failed in augtool-rs are left out.
fn agrees_without_failed_commands(d: &Disagreement) -> bool {
    let Some(c) = c_augtool() else {
        return false;
    };
    let ours = failed_tree_commands(&augtool_rs(), &d.cmds);
    !ours.is_empty() && agrees_without(&c, &d.cmds, &ours)
}

/// Whether both tools agree on `cmds` without the commands numbered `drop`.
fn agrees_without(c: &Path, cmds: &[String], drop: &[usize]) -> bool {
    let rest: Vec<String> = cmds
        .iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, c)| c.clone())
        .collect();
    let (c, rs) = (run(c, &rest), run(&augtool_rs(), &rest));
    if c.stdout == rs.stdout && c.code == rs.code && c.files == rs.files {
        return true;
    }
    // What is left may differ by another accepted difference, one that is decided from
    // the two runs alone (a session that refuses an onto-ancestor `cp` after making two
    // nodes for one file: without the `cp`, only the save of that file differs).
    let rest = Disagreement { cmds: rest, c, rs };
    ACCEPTED
        .iter()
        .filter(|a| PLAIN.contains(&a.name))
        .any(|a| (a.applies)(&rest))
}

/// The accepted differences decided from the two runs alone (no further runs), which
/// [`agrees_without`] may meet in what is left of a session.
const PLAIN: &[&str] = &[
    "save-refused-two-nodes",
    "c-empty-label-error",
    "c-stray-error-node",
];

/// How many errors a run reported.
fn errors(o: &Outcome) -> usize {
    o.stderr.matches("error: ").count()
}

/// Whether the disagreement comes from commands that failed in augtool-rs and, in C,
/// failed too or were `defnode`s that C fails without a word: `None` if not, else
/// whether such a `defnode` is among them. Checked by running the session without those
/// commands through both tools.
fn failed_alike(d: &Disagreement) -> Option<bool> {
    let c = c_augtool()?;
    let ours = failed_tree_commands(&augtool_rs(), &d.cmds);
    if ours.is_empty() {
        return None;
    }
    let theirs = failed_commands(&c, &d.cmds);
    let mut swallowed = false;
    for &i in &ours {
        if !theirs.contains(&i) {
            if d.cmds[i].starts_with("defnode ") {
                swallowed = true;
            } else {
                // A later command may fail in aug-rs only because an earlier one failed in
                // both and C kept part of its work (`mv /files/etc /files/etc/etc` leaves
                // `etc/etc` in C's tree for the next `mv` to move): without the commands
                // that failed in both, the tools must agree outright.
                let both: Vec<usize> = ours
                    .iter()
                    .copied()
                    .filter(|i| theirs.contains(i))
                    .collect();
                return (!both.is_empty() && agrees_without(&c, &d.cmds, &both)).then_some(false);
            }
        }
    }
    agrees_without(&c, &d.cmds, &ours).then_some(swallowed)
}

/// C augtool, if it is on the PATH.
pub fn c_augtool() -> Option<PathBuf> {
    crate::differential::c_augtool()
}

/// How one session went.
#[derive(Debug)]
pub enum Verdict {
    /// Same output, status and files.
    Agree,
    /// A documented difference.
    Accepted(&'static str),
    /// Anything else.
    Failure(Disagreement),
}

/// Runs a session through both tools and judges it.
pub fn judge(c: &Path, cmds: &[String]) -> Verdict {
    let theirs = run(c, cmds);
    let ours = run(&augtool_rs(), cmds);
    if theirs.stdout == ours.stdout && theirs.code == ours.code && theirs.files == ours.files {
        return Verdict::Agree;
    }
    let d = Disagreement {
        cmds: cmds.to_vec(),
        c: theirs,
        rs: ours,
    };
    for a in ACCEPTED {
        if (a.applies)(&d) {
            return Verdict::Accepted(a.name);
        }
    }
    Verdict::Failure(d)
}

/// Shrinks a failing session: drops commands while the session still fails (not an
/// accepted difference).
pub fn shrink(c: &Path, cmds: &[String]) -> Vec<String> {
    let mut cur = cmds.to_vec();
    loop {
        let mut progress = false;
        let mut i = 0;
        while i < cur.len() {
            let mut shorter = cur.clone();
            shorter.remove(i);
            if matches!(judge(c, &shorter), Verdict::Failure(_)) {
                cur = shorter;
                progress = true;
            } else {
                i += 1;
            }
        }
        if !progress {
            return cur;
        }
    }
}

/// A failure rendered for people: the session and what differs.
pub fn describe(d: &Disagreement) -> String {
    let mut s = String::from("session:\n");
    for c in &d.cmds {
        let _ = writeln!(s, "  {c}");
    }
    if d.c.code != d.rs.code {
        let _ = writeln!(
            s,
            "exit code: augtool {} / augtool-rs {}",
            d.c.code, d.rs.code
        );
    }
    if d.c.stdout != d.rs.stdout {
        let diff = similar::TextDiff::from_lines(&d.c.stdout, &d.rs.stdout)
            .unified_diff()
            .header("augtool", "augtool-rs")
            .to_string();
        let _ = writeln!(s, "stdout differs:\n{diff}");
    }
    let names: std::collections::BTreeSet<&String> =
        d.c.files
            .iter()
            .chain(&d.rs.files)
            .map(|(n, _)| n)
            .collect();
    for n in names {
        let a = d.c.files.iter().find(|(m, _)| m == n).map(|(_, b)| b);
        let b = d.rs.files.iter().find(|(m, _)| m == n).map(|(_, b)| b);
        if a != b {
            let a = a.map(|b| String::from_utf8_lossy(b).into_owned());
            let b = b.map(|b| String::from_utf8_lossy(b).into_owned());
            let diff = similar::TextDiff::from_lines(
                a.as_deref().unwrap_or("(missing)\n"),
                b.as_deref().unwrap_or("(missing)\n"),
            )
            .unified_diff()
            .header(&format!("augtool {n}"), &format!("augtool-rs {n}"))
            .to_string();
            let _ = writeln!(s, "{diff}");
        }
    }
    let _ = writeln!(
        s,
        "augtool stderr:\n{}augtool-rs stderr:\n{}",
        d.c.stderr, d.rs.stderr
    );
    s
}

/// The figures of a run.
#[derive(Debug, Default)]
pub struct Figures {
    /// Sessions run.
    pub sessions: u64,
    /// Sessions that agreed.
    pub agreed: u64,
    /// Accepted differences by name.
    pub accepted: BTreeMap<&'static str, u64>,
    /// Shrunk failures.
    pub failures: Vec<String>,
}

impl Figures {
    /// One line per figure.
    pub fn report(&self) -> String {
        let mut s = format!(
            "{} sessions: {} agreed ({:.2}%)",
            self.sessions,
            self.agreed,
            100.0 * self.agreed as f64 / self.sessions.max(1) as f64
        );
        for (name, n) in &self.accepted {
            let _ = write!(s, ", {n} {name}");
        }
        let _ = write!(s, ", {} failures", self.failures.len());
        s
    }

    /// The accepted differences seen, each with why it is accepted.
    pub fn explain(&self) -> String {
        let mut s = String::new();
        for a in ACCEPTED {
            if let Some(n) = self.accepted.get(a.name) {
                let _ = writeln!(s, "  {} ({n}): {}", a.name, a.why);
            }
        }
        s
    }
}

/// Runs sessions `seeds` (as many as `deadline` allows) on `$AUG_RS_EDIT_FUZZ_JOBS` threads
/// (default 2).
pub fn campaign(
    c: &Path,
    vocab: &Vocab,
    seeds: std::ops::Range<u64>,
    deadline: Option<Instant>,
) -> Figures {
    let next = AtomicU64::new(seeds.start);
    let figures = Mutex::new(Figures::default());
    let jobs: usize = std::env::var("AUG_RS_EDIT_FUZZ_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(2);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return;
                    }
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= seeds.end {
                        return;
                    }
                    let cmds = session(vocab, seed);
                    let verdict = judge(c, &cmds);
                    let failure = match verdict {
                        Verdict::Failure(_) => {
                            let small = shrink(c, &cmds);
                            match judge(c, &small) {
                                Verdict::Failure(d) => {
                                    Some(format!("seed {seed}\n{}", describe(&d)))
                                }
                                _ => Some(format!("seed {seed} (did not shrink)")),
                            }
                        }
                        _ => None,
                    };
                    let mut f = figures.lock().unwrap();
                    f.sessions += 1;
                    match verdict {
                        Verdict::Agree => f.agreed += 1,
                        Verdict::Accepted(name) => *f.accepted.entry(name).or_default() += 1,
                        Verdict::Failure(_) => {}
                    }
                    if let Some(msg) = failure {
                        eprintln!("FAILURE {msg}");
                        f.failures.push(msg);
                    }
                }
            });
        }
    });
    figures.into_inner().unwrap()
}

/// The reduced sessions of earlier disagreements, blank-line separated, `#` comments.
fn regressions() -> Vec<(String, Vec<String>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/edit-fuzz/regressions.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let mut name = String::new();
        let mut cmds = Vec::new();
        for l in block.lines() {
            if let Some(c) = l.strip_prefix("# ") {
                if name.is_empty() {
                    name = c.to_owned();
                }
            } else if !l.trim().is_empty() && !l.starts_with('#') {
                cmds.push(l.to_owned());
            }
        }
        if !cmds.is_empty() {
            out.push((name, cmds));
        }
    }
    out
}

/// The regressions and a fixed set of random sessions agree with C augtool, or differ
/// only as documented.
#[test]
fn edit_sessions_agree_with_c() {
    let Some(c) = c_augtool() else {
        eprintln!("skipped: C augtool is not installed");
        return;
    };
    let cases = regressions();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for (name, cmds) in &cases {
        if let Verdict::Failure(d) = judge(&c, cmds) {
            failures.push(format!("regression {name}:\n{}", describe(&d)));
        }
    }
    let vocab = Vocab::of_testroot();
    let figures = campaign(&c, &vocab, 1..61, None);
    eprintln!("edit fuzz: {}", figures.report());
    failures.extend(figures.failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A long run by hand: `scripts/edit-fuzz SECS [SEED]` sets `AUG_RS_EDIT_FUZZ_SECS` (and
/// `AUG_RS_EDIT_FUZZ_SEED`); without it this test does nothing.
#[test]
fn edit_fuzz_long() {
    let Some(secs) = std::env::var("AUG_RS_EDIT_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    else {
        return;
    };
    let c = c_augtool().expect("the long edit fuzz needs C augtool");
    let seed: u64 = std::env::var("AUG_RS_EDIT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_secs() << 20)
        });
    let vocab = Vocab::of_testroot();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    eprintln!("edit fuzz: seeds from {seed}, {secs} s");
    let figures = campaign(&c, &vocab, seed..u64::MAX, Some(deadline));
    eprintln!(
        "edit fuzz: {} in {:.0} s\n{}",
        figures.report(),
        start.elapsed().as_secs_f64(),
        figures.explain()
    );
    assert!(
        figures.failures.is_empty(),
        "{}",
        figures.failures.join("\n")
    );
}

#[test]
fn paths_split_into_steps() {
    assert_eq!(
        steps("/files/etc/hosts/1/alias[2]"),
        ["files", "etc", "hosts", "1", "alias[2]"]
    );
    assert_eq!(
        steps("/files/a\\/b/c[. = 'x/y']"),
        ["files", "a\\/b", "c[. = 'x/y']"]
    );
}
