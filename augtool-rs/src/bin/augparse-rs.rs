//! `augparse-rs`: loads a `.aug` module as C's `augparse` does (the whole module
//! typechecked, every declaration evaluated, every lens checked as it is made) and runs
//! its tests, ending with the line `N passed, N failed`. A module that fails to load is
//! reported on standard error with Augeas's messages and positions.

use aug_core::Flags;
use aug_core::lang::{Interpreter, Options};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "Usage: augparse-rs [OPTIONS] MODULE
Evaluate MODULE. Generally, MODULE should contain unit tests.

Options:

  -I, --include DIR  search DIR for modules; can be given multiple times
  -t, --trace        trace module loading
  --nostdinc         do not search the builtin default directories for modules
  --notypecheck      do not typecheck lenses
  --lazy             evaluate only what the tests use, and run every test
  --version          print version information and exit";

/// Prints the usage to standard error and fails, as augparse does for a bad command line.
fn usage_error(msg: Option<String>) -> ExitCode {
    if let Some(m) = msg {
        eprintln!("augparse-rs: {m}");
    }
    eprintln!("{USAGE}");
    ExitCode::FAILURE
}

fn main() -> ExitCode {
    let mut include = Vec::new();
    let mut options = Options {
        typecheck: true,
        strict: true,
    };
    let (mut trace, mut nostdinc) = (false, false);
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-I" | "--include" => match args.next() {
                Some(d) => include.push(PathBuf::from(d)),
                None => return usage_error(Some(format!("option '{a}' requires an argument"))),
            },
            "-t" | "--trace" => trace = true,
            "--nostdinc" => nostdinc = true,
            "--notypecheck" => options.typecheck = false,
            "--lazy" => options.strict = false,
            // Strict loading is the default; the option stays for old scripts.
            "--strict" => options.strict = true,
            "--version" => {
                println!(
                    "augparse-rs {} (Augeas 1.14 lens language)",
                    env!("CARGO_PKG_VERSION")
                );
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if a.starts_with("--include=") => {
                include.push(PathBuf::from(&a["--include=".len()..]));
            }
            _ if a.starts_with("-I") && a.len() > 2 => include.push(PathBuf::from(&a[2..])),
            _ if !a.starts_with('-') || a == "-" => files.push(PathBuf::from(a)),
            _ => return usage_error(Some(format!("unrecognized option '{a}'"))),
        }
    }
    let Some(file) = files.into_iter().next() else {
        eprintln!("Expected .aug file");
        return usage_error(None);
    };
    // As augparse: the -I directories, $AUGEAS_LENS_LIB, then the standard directories.
    let flags = if nostdinc {
        Flags::NO_STDINC
    } else {
        Flags::NONE
    };
    let interp = Interpreter::new(lenses::search_path(&include, flags), options);
    interp.set_trace(trace);
    let result = interp.run_file(&file);
    for line in interp.take_trace() {
        println!("{line}");
    }
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    match result {
        Ok(report) => {
            print!("{}", report.output);
            if !report.failure.is_empty() {
                let _ = writeln!(err, "Syntax error in lens definition");
                let _ = writeln!(err, "Failed to load {}", file.display());
                for l in &report.failure {
                    let _ = writeln!(err, "{l}");
                }
            }
            println!("{} passed, {} failed", report.passed, report.failed);
            if report.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            let _ = writeln!(err, "Syntax error in lens definition");
            for l in e.report_lines() {
                let _ = writeln!(err, "{l}");
            }
            drop(err);
            println!("0 passed, 0 failed");
            ExitCode::FAILURE
        }
    }
}
