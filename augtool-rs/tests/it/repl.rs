//! The interactive shell, driven through a pseudo-terminal with tmux: the prompt, a
//! command's output, history and tab completion. Skipped when tmux is not installed.

use crate::support::{augtool_rs, root_copy};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

struct Tmux {
    session: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }

    fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", &self.session])
    }

    /// Waits until the screen satisfies `f`; returns the screen.
    fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if f(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; screen:\n{s}"
            );
            sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}

fn have_tmux() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn interactive_session() {
    if !have_tmux() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let root = root_copy();
    let home = tempfile::tempdir().unwrap();
    let session = format!("augtool-rs-test-{}", std::process::id());
    let cmd = format!(
        "HOME={} {} -A -L -r {}",
        home.path().display(),
        augtool_rs().display(),
        root.path().display()
    );
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            &session,
            &cmd,
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let t = Tmux { session };
    // Each key sequence is sent only once the shell shows its next prompt, so that no
    // input arrives while the terminal is out of raw mode.
    let prompts = |s: &str| s.lines().filter(|l| l.starts_with("augtool>")).count();
    t.wait_for("the prompt", |s| prompts(s) == 1);

    // A command and its output.
    t.send(&["set /t/alpha 1", "Enter"]);
    t.wait_for("the second prompt", |s| prompts(s) == 2);
    t.send(&["get /t/alpha", "Enter"]);
    t.wait_for("get output", |s| {
        s.contains("/t/alpha = 1") && prompts(s) == 3
    });

    // Completion of a command name and of a path.
    t.send(&["cou", "Tab"]);
    t.wait_for("command completion", |s| {
        s.lines().any(|l| l.starts_with("augtool> count"))
    });
    t.send(&["/t/al", "Tab"]);
    t.wait_for("path completion", |s| s.contains("augtool> count /t/alpha"));
    t.send(&["Enter"]);
    t.wait_for("count output", |s| {
        s.contains("  1 match") && prompts(s) == 4
    });

    // History: Up recalls the previous line.
    t.send(&["Up"]);
    t.wait_for("history recall", |s| {
        s.lines()
            .filter(|l| l.starts_with("augtool> count /t/alpha"))
            .count()
            == 2
    });
    // r19: candidates listed sorted, by their last step, `/` after nodes with children,
    // as readline does; Ctrl-C echoes `^C` and gives a fresh prompt.
    t.send(&["C-u", "set /t/zeta/x 1", "Enter"]);
    t.wait_for("the set", |s| prompts(s) == 5);
    t.send(&["ls /t/", "Tab", "Tab"]);
    t.wait_for("the listing", |s| {
        s.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["alpha", "zeta/"])
    });
    t.send(&["C-c"]);
    t.wait_for("^C and a fresh prompt", |s| {
        s.lines().any(|l| l == "augtool> ls /t/^C") && s.lines().any(|l| l.trim_end() == "augtool>")
    });
    t.send(&["quit", "Enter"]);
    let history = home.path().join(".augeas/history");
    let start = Instant::now();
    while !history.exists() && start.elapsed() < Duration::from_secs(10) {
        sleep(Duration::from_millis(50));
    }
    sleep(Duration::from_millis(200));
    let saved = std::fs::read_to_string(&history).unwrap();
    assert!(saved.contains("get /t/alpha"), "history file: {saved}");
    assert!(saved.contains("count /t/alpha"), "history file: {saved}");
    // r19: readline's plain format, which C augtool shares: one entry per line, no
    // `#V2` header (C would recall it as a command).
    assert!(!saved.contains("#V2"), "history file: {saved}");
    assert!(saved.ends_with("quit\n"), "history file: {saved}");
    assert!(
        saved.lines().all(|l| !l.is_empty()),
        "history file: {saved}"
    );
}
