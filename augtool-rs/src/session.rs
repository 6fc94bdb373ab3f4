//! A session: the Augeas handle plus augtool's own state, and running one command line
//! against it (parse, execute, report errors, time).

use crate::commands;
use crate::output::{self, Failure};
use aug_core::Augeas;
use std::io::{self, Write};
use std::time::Instant;

/// The Augeas handle and what augtool keeps besides it.
#[derive(Debug)]
pub struct Session {
    /// The handle.
    pub aug: Augeas,
    /// The module search path `info` reports (`-I` directories first).
    pub loadpath: Vec<String>,
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
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            return Ok(Outcome::Done);
        }
        let start = Instant::now();
        let result = match commands::parse_line(line) {
            Ok((cmd, args)) => (cmd.run)(self, &args, out),
            Err(e) => Err(Failure::Aug(e)),
        };
        match result {
            Ok(()) => {
                if self.timing {
                    writeln!(out, "Time: {} ms", start.elapsed().as_millis())?;
                }
                if self.quit {
                    return Ok(Outcome::Quit);
                }
                Ok(Outcome::Done)
            }
            Err(Failure::Io(e)) => Err(e),
            Err(Failure::Aug(e)) => {
                output::record_error(&mut self.aug, &e);
                out.flush()?;
                err.write_all(output::render_error(&e).as_bytes())?;
                Ok(Outcome::Failed)
            }
        }
    }
}
