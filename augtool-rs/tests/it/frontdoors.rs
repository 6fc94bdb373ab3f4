//! One command engine behind every front door (#21): each test script under
//! `tests/data/scripts` runs through augtool-rs and through `Augeas::srun` from Rust, and
//! gives the same output. `srun` stops at the first command that fails, as `aug_srun`
//! does; augtool-rs then goes on, so the comparison is with augtool-rs running the script
//! up to that command, and the error `srun` returns must read as augtool-rs reported it.
//! (Python's `srun` is this same engine; `bindings/python/tests` compare it with
//! libaugeas.)

use crate::support::{Script, augtool_rs, root_copy, run_program, scripts};
use aug_core::Flags;

/// The handle flags for a script's options, or `None` for options only the command-line
/// tool has (echo, autosave, `-l`, `-t`).
fn flags_of(args: &[String]) -> Option<Flags> {
    let mut f = Flags::NO_ERR_CLOSE;
    for a in args {
        f = f | match a.as_str() {
            "--span" => Flags::ENABLE_SPAN,
            "-A" => Flags::NO_MODL_AUTOLOAD,
            "-L" => Flags::NO_LOAD,
            "-b" => Flags::SAVE_BACKUP,
            "-n" => Flags::SAVE_NEWFILE,
            _ => return None,
        };
    }
    Some(f)
}

#[test]
fn scripts_give_the_same_output_through_srun() {
    let paths = scripts();
    let (mut compared, mut failures) = (0, Vec::new());
    for path in paths {
        let script = Script::load(&path);
        let Some(flags) = flags_of(&script.args) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        if text
            .lines()
            .any(|l| l.split_whitespace().take(2).any(|w| w == "diff"))
        {
            continue;
        }
        compared += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Through the library.
        let root = root_copy();
        let r = root.path().to_str().unwrap().to_owned();
        let mut aug = aug_lenses::open_with(Some(root.path()), flags, &[]);
        let mut out = Vec::new();
        let result = aug.srun(&text, &mut out);
        let ours = String::from_utf8_lossy(&out).replace(&r, "ROOT");
        // Through augtool-rs, as far as srun went.
        let upto = match &result {
            Ok(_) => text.clone(),
            Err(_) => {
                // The failing command is the first line after which augtool-rs reports an
                // error.
                let lines: Vec<&str> = text.lines().collect();
                let mut cut = lines.len();
                for i in 0..lines.len() {
                    let prefix = lines[..=i].join("\n") + "\n";
                    let run = cli(&script.args, &prefix);
                    if !run.1.is_empty() {
                        cut = i + 1;
                        break;
                    }
                }
                lines[..cut].join("\n") + "\n"
            }
        };
        let (stdout, stderr) = cli(&script.args, &upto);
        // augtool-rs's own command, `diff`, is not srun's: `help` lists it, and scripts
        // that run it stop there under srun.
        let stdout = stdout
            .lines()
            .filter(|l| !l.starts_with("  diff "))
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        if ours != stdout {
            failures.push(format!(
                "{name}: srun output\n{ours}---augtool-rs\n{stdout}"
            ));
        }
        if let Err(e) = &result {
            let rendered = aug_core::srun::render_error(e).replace(&r, "ROOT");
            if rendered != stderr {
                failures.push(format!(
                    "{name}: srun error\n{rendered}---augtool-rs\n{stderr}"
                ));
            }
        }
    }
    assert!(compared >= 15, "only {compared} scripts compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// augtool-rs's stdout and stderr for `text` on a fresh root copy (`ROOT` for its path).
fn cli(args: &[String], text: &str) -> (String, String) {
    let root = root_copy();
    let r = root.path().to_str().unwrap().to_owned();
    let mut all: Vec<&str> = vec!["-r", &r];
    all.extend(args.iter().map(String::as_str));
    let run = run_program(&augtool_rs(), &all, text, root.path());
    (
        run.stdout.replace(&r, "ROOT"),
        run.stderr.replace(&r, "ROOT"),
    )
}
