//! The edit cases recorded from C augtool (`testroot-expected/edits/*.case`, and this
//! crate's `tests/data/edits`): the file, the augtool commands, what C's save did (status,
//! the node its put failed on) and the text it saved. `handle.rs` replays them through the
//! handle and the shared command engine (`aug_core::srun`).

/// Cases where put fails as in C, but the engine blames a different node: it names the
/// node whose value does not fit (with a precise message) where C names the parent whose
/// children, values included, fit no pattern.
pub(crate) const KNOWN_ERROR_PATH_DIFFS: &[&str] = &[
    "crontab-bad-minute-fails",
    "crontab-month-name-list-fails",
    "hosts-ipaddr-with-space-fails",
    "logrotate-bad-schedule-fails",
    "passwd-rename-invalid-login-fails",
    "passwd-uid-abc-fails",
    "x-passwd-nis-null-password-fails",
];

pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) commands: Vec<String>,
    pub(crate) status: String,
    /// The node C's put failed on (`error/path`, without the doubled file prefix).
    pub(crate) error_path: Option<String>,
    pub(crate) text: String,
}

pub(crate) fn parse_case(name: &str, s: &str) -> Case {
    let (head, text) = s.split_once("\n---\n").unwrap();
    let mut file = String::new();
    let mut commands = Vec::new();
    let mut status = String::new();
    let mut in_commands = false;
    for line in head.lines() {
        if let Some(f) = line.strip_prefix("file: ") {
            file = f.to_owned();
        } else if line == "commands:" {
            in_commands = true;
        } else if let Some(st) = line.strip_prefix("expect-status: ") {
            status = st.to_owned();
            in_commands = false;
        } else if in_commands {
            commands.push(line.to_owned());
        }
    }
    // C doubles the file prefix (`/files/etc/hosts/files/etc/hosts/3`), and writes the
    // file node itself as `/files/etc/passwd/`.
    let error_path = head.lines().find_map(|l| {
        let v = l.split_once("/error/path = ")?.1.trim_matches('"');
        let prefix = format!("/files/{file}");
        let v = v.strip_prefix(&prefix).unwrap_or(v);
        Some(if v == "/" { prefix } else { v.to_owned() })
    });
    Case {
        name: name.to_owned(),
        error_path,
        file,
        commands,
        status,
        text: text.to_owned(),
    }
}
