//! augtool-rs: the augtool-compatible command-line tool and shell of aug-rs.
//!
//! `main` reads the options, opens the handle with the built-in lenses and the modules of
//! the load path (`-I`, `$AUGEAS_LENS_LIB`, the standard directories unless `-S`), applies `-t` and
//! `-l`, then runs one command from the arguments, a script (`-f` or piped standard
//! input), or the interactive shell.

mod diff;
mod options;
mod rawout;
mod repl;
mod session;

use anyhow::Context as _;
use clap::Parser as _;
use options::Options;
use repl::LoopOptions;
use session::Session;
use std::cell::RefCell;
use std::io::{self, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            let broken_pipe = e
                .chain()
                .filter_map(|c| c.downcast_ref::<io::Error>())
                .any(|io| io.kind() == io::ErrorKind::BrokenPipe);
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("augtool-rs: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the version, on standard error like augtool.
fn version() {
    eprintln!(
        "augtool-rs {} (aug-rs, compatible with augtool {})",
        env!("CARGO_PKG_VERSION"),
        aug_core::AUGEAS_VERSION
    );
}

/// Runs the program; `Ok(false)` means a command failed.
fn run() -> anyhow::Result<bool> {
    let opts = match Options::try_parse() {
        Ok(o) => o,
        Err(e) => match options::getopt_message(&e) {
            // augtool's words and exit status for a bad command line.
            Some(msg) => {
                eprintln!("{msg}");
                return Ok(false);
            }
            None => e.exit(),
        },
    };
    if opts.version {
        version();
        return Ok(true);
    }
    let stdout = io::stdout();
    let stderr = io::stderr();
    // Bytes of files that are not UTF-8 go out as they are in the file.
    let mut out = rawout::RawBytes::new(stdout.lock());
    let mut err = rawout::RawBytes::new(stderr.lock());

    let start = Instant::now();
    if opts.timing {
        write!(out, "Initializing augeas ... ")?;
        out.flush()?;
    }
    let aug = aug_lenses::open_with(opts.root.as_deref(), opts.flags(), &opts.include_dirs());
    // The handle lives until the process exits: leaving its tree for the OS to reclaim
    // saves tearing down every node at exit (7% of a 100k-line load).
    let mut session = ManuallyDrop::new(Session {
        aug,
        quit: false,
        timing: false,
    });
    for xfm in &opts.transform {
        let line = format!("transform {xfm}");
        let mut sink = io::sink();
        if session.run_line(&line, &mut out, &mut sink)? == session::Outcome::Failed {
            writeln!(
                err,
                "error: Failed to add transform {xfm}: Failed to execute command"
            )?;
        }
    }
    if !opts.transform.is_empty() {
        session.aug.load().context("loading the transforms of -t")?;
    }
    if let Some(file) = &opts.load_file
        && let Err(e) = session.aug.load_file(file)
    {
        writeln!(err, "error: Failed to load file {file}: {}", e.message())?;
    }
    if opts.timing {
        writeln!(out, "done")?;
        writeln!(out, "Time: {} ms", start.elapsed().as_millis())?;
    }
    session.timing = opts.timing;

    let loop_opts = LoopOptions {
        echo: opts.echo,
        autosave: opts.autosave,
    };
    if !opts.command.is_empty() {
        let line = opts.command.join(" ");
        return Ok(repl::run_one(
            &mut session,
            &line,
            loop_opts,
            &mut out,
            &mut err,
        )?);
    }
    let ok = if let Some(file) = &opts.file {
        let f = std::fs::File::open(file)
            .with_context(|| format!("cannot read commands from {}", file.display()))?;
        let mut input = io::BufReader::new(f);
        let script_opts = LoopOptions {
            autosave: loop_opts.autosave && !opts.interactive,
            ..loop_opts
        };
        repl::run_script(&mut session, &mut input, script_opts, &mut out, &mut err)?
    } else if io::stdin().is_terminal() {
        drop(out);
        drop(err);
        return Ok(repl::run_interactive(
            Rc::new(RefCell::new(ManuallyDrop::into_inner(session))),
            loop_opts,
            true,
        )?);
    } else {
        let stdin = io::stdin();
        let script_opts = LoopOptions {
            autosave: loop_opts.autosave && !opts.interactive,
            ..loop_opts
        };
        repl::run_script(
            &mut session,
            &mut stdin.lock(),
            script_opts,
            &mut out,
            &mut err,
        )?
    };
    if opts.interactive && !session.quit {
        drop(out);
        drop(err);
        return Ok(repl::run_interactive(
            Rc::new(RefCell::new(ManuallyDrop::into_inner(session))),
            loop_opts,
            ok,
        )?);
    }
    Ok(ok)
}
