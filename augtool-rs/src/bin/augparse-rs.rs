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

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    /// Load `file` and run its tests.
    Run {
        file: PathBuf,
        include: Vec<PathBuf>,
        options: Options,
        trace: bool,
        nostdinc: bool,
    },
    /// Print the version.
    Version,
    /// Print the usage.
    Help,
}

/// Reads augparse's command line; `Err` is the complaint about it (empty: none, just the
/// usage).
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut include = Vec::new();
    let mut options = Options {
        typecheck: true,
        strict: true,
    };
    let (mut trace, mut nostdinc) = (false, false);
    let mut files = Vec::new();
    let mut args = args.into_iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-I" | "--include" => match args.next() {
                Some(d) => include.push(PathBuf::from(d)),
                None => return Err(format!("option '{a}' requires an argument")),
            },
            "-t" | "--trace" => trace = true,
            "--nostdinc" => nostdinc = true,
            "--notypecheck" => options.typecheck = false,
            "--lazy" => options.strict = false,
            // Strict loading is the default; the option stays for old scripts.
            "--strict" => options.strict = true,
            "--version" => return Ok(Command::Version),
            "-h" | "--help" => return Ok(Command::Help),
            _ if a.starts_with("--include=") => {
                include.push(PathBuf::from(&a["--include=".len()..]));
            }
            _ if a.starts_with("-I") && a.len() > 2 => include.push(PathBuf::from(&a[2..])),
            _ if !a.starts_with('-') || a == "-" => files.push(PathBuf::from(a)),
            _ => return Err(format!("unrecognized option '{a}'")),
        }
    }
    // As augparse, the first file is the module; any other is ignored.
    let file = files.into_iter().next().ok_or_else(String::new)?;
    Ok(Command::Run {
        file,
        include,
        options,
        trace,
        nostdinc,
    })
}

fn main() -> ExitCode {
    let (file, include, options, trace, nostdinc) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run {
            file,
            include,
            options,
            trace,
            nostdinc,
        }) => (file, include, options, trace, nostdinc),
        Ok(Command::Version) => {
            println!(
                "augparse-rs {} (Augeas 1.14 lens language)",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(m) if m.is_empty() => {
            eprintln!("Expected .aug file");
            return usage_error(None);
        }
        Err(m) => return usage_error(Some(m)),
    };
    // As augparse: the -I directories, $AUGEAS_LENS_LIB, then the standard directories.
    let flags = if nostdinc {
        Flags::NO_STDINC
    } else {
        Flags::NONE
    };
    let interp = Interpreter::new(aug_core::search_path(&include, flags), options);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_args(args: &[&str], expected: Result<Command, &str>) {
        let got = parse_args(args.iter().map(|s| s.to_string()));
        assert_eq!(got, expected.map_err(str::to_owned), "{args:?}");
    }

    fn run(file: &str, include: &[&str], typecheck: bool, trace: bool, nostdinc: bool) -> Command {
        Command::Run {
            file: PathBuf::from(file),
            include: include.iter().map(PathBuf::from).collect(),
            options: Options {
                typecheck,
                strict: true,
            },
            trace,
            nostdinc,
        }
    }

    #[test]
    fn options_are_augparses() {
        check_args(&["m.aug"], Ok(run("m.aug", &[], true, false, false)));
        check_args(
            &["-I", "a", "-Ib", "--include=c", "--include", "d", "m.aug"],
            Ok(run("m.aug", &["a", "b", "c", "d"], true, false, false)),
        );
        check_args(
            &["--nostdinc", "-t", "--notypecheck", "m.aug", "other.aug"],
            Ok(run("m.aug", &[], false, true, true)),
        );
        check_args(
            &["--trace", "m.aug"],
            Ok(run("m.aug", &[], true, true, false)),
        );
        check_args(&["--version", "m.aug"], Ok(Command::Version));
        check_args(&[], Err(""));
        check_args(&["-I"], Err("option '-I' requires an argument"));
        check_args(&["--bogus", "m.aug"], Err("unrecognized option '--bogus'"));
    }
}
