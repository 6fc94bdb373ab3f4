//! A session: the Augeas handle plus what only the terminal program keeps (the load path
//! it reports, `--timing`), and running one command line through the shared command
//! engine (`aug_core::srun`), with augtool-rs's own commands on top, reporting errors.

use crate::diff;
use aug_core::Augeas;
use aug_core::srun::{self, Failure};
use std::io::{self, Write};
use std::time::Instant;

/// The Augeas handle and what augtool keeps besides it.
#[derive(Debug)]
pub struct Session {
    /// The handle.
    pub aug: Augeas,
    /// Set by `quit`.
    pub quit: bool,
    /// Print `Time: N ms` after each command (`--timing`).
    pub timing: bool,
}

/// How running a line went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The command succeeded (or the line was blank or a comment).
    Done,
    /// The command failed; its error has been reported.
    Failed,
    /// The command was `quit`.
    Quit,
}

impl Session {
    /// Runs one command line, writing its output to `out` and any error to `err`. Only
    /// output errors are returned as `Err`.
    pub fn run_line(
        &mut self,
        line: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<Outcome> {
        let start = Instant::now();
        match srun::run_line(&mut self.aug, line, diff::EXTRA, out) {
            Ok(srun::Outcome::Skipped) => Ok(Outcome::Done),
            Ok(srun::Outcome::Quit) => {
                self.quit = true;
                Ok(Outcome::Quit)
            }
            Ok(srun::Outcome::Ran) => {
                if self.timing {
                    writeln!(out, "Time: {} ms", start.elapsed().as_millis())?;
                }
                Ok(Outcome::Done)
            }
            Err(Failure::Io(e)) => Err(e),
            Err(Failure::Aug(e)) => {
                out.flush()?;
                err.write_all(srun::render_error(&e).as_bytes())?;
                Ok(Outcome::Failed)
            }
        }
    }
}
