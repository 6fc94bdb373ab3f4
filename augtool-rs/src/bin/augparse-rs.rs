//! `augparse-rs`: loads a `.aug` module like C's `augparse` and runs its tests, ending
//! with the line `N passed, N failed`.

use aug_core::lang::{Interpreter, Options};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: augparse-rs [-I DIR]... [--notypecheck] [--strict] FILE.aug";

fn main() -> ExitCode {
    let mut include = Vec::new();
    let mut options = Options::default();
    let mut file = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-I" | "--include" => match args.next() {
                Some(d) => include.push(PathBuf::from(d)),
                None => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--notypecheck" => options.typecheck = false,
            "--strict" => options.strict = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if a.starts_with("-I") && a.len() > 2 => include.push(PathBuf::from(&a[2..])),
            _ if file.is_none() && !a.starts_with('-') => file = Some(PathBuf::from(a)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(file) = file else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    // The file's own directory comes first, then -I, then the stock lens directory.
    if let Some(dir) = file.parent() {
        include.insert(0, dir.to_path_buf());
    }
    include.push(PathBuf::from("/usr/share/augeas/lenses/dist"));
    let interp = Interpreter::new(include, options);
    match interp.run_file(&file) {
        Ok(report) => {
            print!("{}", report.output);
            println!("{} passed, {} failed", report.passed, report.failed);
            if report.failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            println!("{e}");
            println!("Failed to load {}", file.display());
            println!("0 passed, 0 failed");
            ExitCode::FAILURE
        }
    }
}
