//! Command-line options, with the same letters and meaning as augtool's.

use aug_core::Flags;
use clap::Parser;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Commands are read from FILE (-f), from standard input, or interactively when standard
input is a terminal. Type 'help' for the list of commands.

When COMMAND is given on the command line, it runs and the tree is saved afterwards, as
augtool does (with or without -s). Unlike augtool 1.14, which exits 0 even when the command
fails, augtool-rs reports the failure and exits 1.

Which modules of the load path autoload, and their filters, are cached between runs in
$AUG_RS_CACHE_DIR (set it empty for no cache), else $XDG_CACHE_HOME/aug-rs, else
~/.cache/aug-rs; a module file that changes is scanned again.";

/// augtool-rs: edit configuration files through Augeas lenses.
#[derive(Debug, Parser)]
#[command(
    name = "augtool-rs",
    about = "Load the Augeas tree and modify it. If no COMMAND is given, run interactively.",
    after_help = AFTER_HELP,
    disable_version_flag = true
)]
pub struct Options {
    /// Typecheck lenses.
    #[arg(short = 'c', long)]
    pub typecheck: bool,
    /// Preserve originals of modified files with extension '.augsave'.
    #[arg(short = 'b', long)]
    pub backup: bool,
    /// Save changes in files with extension '.augnew', leave originals unchanged.
    #[arg(short = 'n', long)]
    pub new: bool,
    /// Use ROOT as the root of the filesystem (default: $AUGEAS_ROOT, else /).
    #[arg(short = 'r', long, value_name = "ROOT")]
    pub root: Option<PathBuf>,
    /// Search DIR for modules; can be given multiple times.
    #[arg(short = 'I', long = "include", value_name = "DIR")]
    pub include: Vec<String>,
    /// Add a file transform, in the syntax of the 'transform' command, e.g.
    /// -t 'Hosts incl /etc/hosts.bak'; can be given multiple times.
    #[arg(short = 't', long = "transform", value_name = "XFM")]
    pub transform: Vec<String>,
    /// Load only FILE into the tree (implies --noload).
    #[arg(short = 'l', long = "load-file", value_name = "FILE")]
    pub load_file: Option<String>,
    /// Echo commands when reading from a file or standard input.
    #[arg(short = 'e', long)]
    pub echo: bool,
    /// Read commands from FILE.
    #[arg(short = 'f', long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Save automatically once all commands have run.
    #[arg(short = 's', long)]
    pub autosave: bool,
    /// Run an interactive shell after the commands from standard input or FILE.
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Do not search the built-in default directories for modules.
    #[arg(short = 'S', long)]
    pub nostdinc: bool,
    /// Do not load any files into the tree on startup.
    #[arg(short = 'L', long)]
    pub noload: bool,
    /// Do not autoload modules (no transforms under /augeas/load).
    #[arg(short = 'A', long)]
    pub noautoload: bool,
    /// Record span positions for nodes read from files.
    #[arg(long)]
    pub span: bool,
    /// Show how long initialisation and each command took.
    #[arg(long)]
    pub timing: bool,
    /// Print version information and exit.
    #[arg(long)]
    pub version: bool,
    /// A command to run instead of reading commands (its words are joined by spaces;
    /// options may come between them, as with augtool; words after `--` are never options).
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// The message augtool (GNU getopt) gives for a bad command line, for a clap error that is
/// one; `None` for help and the like.
pub fn getopt_message(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    // clap names an option with its value placeholder (`--root <ROOT>`); getopt by itself,
    // in the form the user typed.
    let name = arg.split([' ', '=']).next().unwrap_or_default().to_owned();
    let mut short = name
        .strip_prefix('-')
        .filter(|n| !n.starts_with('-'))
        .map(str::to_owned);
    if e.kind() != ErrorKind::UnknownArgument
        && let Some(long) = name.strip_prefix("--")
        && let Some(letter) = <Options as clap::CommandFactory>::command()
            .get_arguments()
            .find(|a| a.get_long() == Some(long))
            .and_then(clap::Arg::get_short)
        && std::env::args().next_back() == Some(format!("-{letter}"))
    {
        short = Some(letter.to_string());
    }
    let msg = match e.kind() {
        ErrorKind::UnknownArgument => match &short {
            Some(s) => format!("invalid option -- '{}'", s.chars().next().unwrap_or('?')),
            None => format!("unrecognized option '{name}'"),
        },
        ErrorKind::InvalidValue | ErrorKind::NoEquals => match &short {
            Some(s) => format!("option requires an argument -- '{s}'"),
            None => format!("option '{name}' requires an argument"),
        },
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        _ => e.to_string().lines().next().unwrap_or_default().to_owned(),
    };
    // Like getopt, the program as it was called.
    let prog = std::env::args()
        .next()
        .unwrap_or_else(|| "augtool-rs".to_owned());
    Some(format!(
        "{prog}: {msg}\nTry 'augtool-rs --help' for more information."
    ))
}

impl Options {
    /// The handle flags these options ask for (augtool always adds `NO_ERR_CLOSE`).
    pub fn flags(&self) -> Flags {
        let mut f = Flags::NO_ERR_CLOSE;
        for (on, flag) in [
            (self.typecheck, Flags::TYPE_CHECK),
            (self.backup, Flags::SAVE_BACKUP),
            (self.new, Flags::SAVE_NEWFILE),
            (self.nostdinc, Flags::NO_STDINC),
            (self.noload || self.load_file.is_some(), Flags::NO_LOAD),
            (self.noautoload, Flags::NO_MODL_AUTOLOAD),
            (self.span, Flags::ENABLE_SPAN),
        ] {
            if on {
                f = f | flag;
            }
        }
        f
    }

    /// The `-I` directories.
    pub fn include_dirs(&self) -> Vec<PathBuf> {
        self.include.iter().map(PathBuf::from).collect()
    }
}
