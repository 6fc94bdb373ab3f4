//! augtool's command language, in the library as Augeas keeps it (`aug_srun`): the
//! tokenizer, the table of the 36 commands (name, arguments and their kinds, synopsis,
//! help, handler) and every handler, writing exactly augtool's output. augtool-rs, the
//! Python binding and the tests all run commands through here.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! let mut aug = aug_core::Augeas::open(Some(dir.path()), aug_core::Flags::NONE, vec![]);
//! let mut out = Vec::new();
//! let done = aug.srun("set /x 1\nget /x\nmatch /nothing\n", &mut out).unwrap();
//! assert_eq!(done.commands, 3);
//! assert_eq!(String::from_utf8(out).unwrap(), "/x = 1\n  (no matches)\n");
//! ```
//!
//! A front door may add commands of its own (augtool-rs adds `diff`): it passes them to
//! [`run_line`] as `extra`, and `help` lists them with the others.

mod commands;
mod output;
pub mod tokenizer;

pub use commands::{
    Arg, Args, COMMANDS, Command, Group, Handler, cmd_error, lookup, optional, parse_line, path,
    string,
};
pub use output::{Failure, render_error};

use crate::{Augeas, Error, ErrorCode};
use std::io::Write;

/// What a command runs against: the handle, the commands the front door adds, and whether
/// `quit` was given.
#[derive(Debug)]
pub struct Shell<'a> {
    /// The handle.
    pub aug: &'a mut Augeas,
    /// The commands added to the table (listed by `help`, found by name).
    pub extra: &'a [Command],
    /// Set by `quit`.
    pub quit: bool,
}

/// How running one line went, when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The line was a command that ran.
    Ran,
    /// The line was blank or a comment.
    Skipped,
    /// The line was `quit`.
    Quit,
}

/// Runs one command line against `aug`, writing its output to `out`: a blank line or one
/// starting with `#` is skipped. A command that fails is a [`Failure::Aug`], which the
/// caller reports ([`render_error`] gives augtool's text).
pub fn run_line(
    aug: &mut Augeas,
    line: &str,
    extra: &[Command],
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let line = line.trim_start();
    if line.is_empty() || line.starts_with('#') {
        return Ok(Outcome::Skipped);
    }
    let (cmd, args) = parse_line(line, extra)?;
    let mut shell = Shell {
        aug,
        extra,
        quit: false,
    };
    if let Err(e) = (cmd.run)(&mut shell, &args, out) {
        if let Failure::Aug(e) = &e {
            output::record_error(shell.aug, e);
        }
        return Err(e);
    }
    Ok(if shell.quit {
        Outcome::Quit
    } else {
        Outcome::Ran
    })
}

/// What [`Augeas::srun`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SrunOutcome {
    /// How many commands ran (blank lines and comments are not counted, `quit` is not).
    pub commands: usize,
    /// Whether the text ended with `quit` (the lines after it were not run).
    pub quit: bool,
}

impl Augeas {
    /// Runs augtool commands, one per line of `script`, writing their output to `out`,
    /// as Augeas's `aug_srun` does: it stops at the first command that fails and returns
    /// its error (the output of the commands before it is in `out`), or at `quit`.
    pub fn srun(&mut self, script: &str, out: &mut dyn Write) -> Result<SrunOutcome, Error> {
        let mut done = SrunOutcome {
            commands: 0,
            quit: false,
        };
        for line in script.split('\n') {
            match run_line(self, line, &[], out) {
                Ok(Outcome::Ran) => done.commands += 1,
                Ok(Outcome::Skipped) => {}
                Ok(Outcome::Quit) => {
                    done.quit = true;
                    break;
                }
                Err(Failure::Aug(e)) => return Err(e),
                Err(Failure::Io(e)) => {
                    return Err(Error::new(
                        ErrorCode::Internal,
                        Some("writing the output failed".to_owned()),
                        Some(e.to_string()),
                    ));
                }
            }
        }
        Ok(done)
    }
}
