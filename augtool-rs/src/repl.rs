//! The two ways of reading commands: a script (a file or piped standard input, read line
//! by line exactly like augtool) and the interactive shell (rustyline, with history in
//! `~/.augeas/history` and completion of command names and tree paths).

use crate::rawout::RawBytes;
use crate::session::{Outcome, Session};
use aug_core::srun::COMMANDS;
use aug_core::srun::tokenizer::is_blank;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{
    Behavior, CompletionType, Config, Context, Editor, Helper, Highlighter, Hinter, Validator,
};
use std::cell::RefCell;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::rc::Rc;

/// The prompt, also used to echo commands.
pub const PROMPT: &str = "augtool> ";

/// How the command loop behaves at its ends.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoopOptions {
    /// Echo each line read as `augtool> LINE`.
    pub echo: bool,
    /// Run `save` once the input is exhausted.
    pub autosave: bool,
}

/// Runs the commands of `input`, one per line, until the end or `quit`. Blank lines and
/// lines starting with `#` are skipped. Raw TAB characters are dropped, as augtool's
/// readline does with script input (TAB asks it to complete); `\t` is how a script writes
/// one. Returns whether every command succeeded.
pub fn run_script(
    session: &mut Session,
    input: &mut dyn BufRead,
    opts: LoopOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<bool> {
    let mut ok = true;
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if input.read_until(b'\n', &mut raw)? == 0 {
            break;
        }
        // Bytes that are not UTF-8 (a Latin-1 value) are kept, as augtool keeps them.
        let line = aug_core::text::decode(&raw);
        let text = line.strip_suffix('\n').unwrap_or(&line);
        let untabbed;
        let text = if text.contains('\t') {
            untabbed = text.replace('\t', "");
            untabbed.as_str()
        } else {
            text
        };
        if opts.echo {
            writeln!(out, "{PROMPT}{text}")?;
        }
        match session.run_line(text, out, err)? {
            Outcome::Done => {}
            Outcome::Failed => ok = false,
            Outcome::Quit => return Ok(ok),
        }
    }
    finish(session, opts, out, err, ok, true)
}

/// What happens when the input is exhausted: the autosave, and augtool's closing
/// newline when echoing. `prompted` says whether augtool would have shown a prompt for
/// the end of input.
fn finish(
    session: &mut Session,
    opts: LoopOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
    mut ok: bool,
    prompted: bool,
) -> io::Result<bool> {
    if opts.autosave {
        if opts.echo {
            writeln!(out, "{PROMPT}save")?;
        }
        if session.run_line("save", out, err)? == Outcome::Failed {
            ok = false;
        }
        if opts.echo {
            writeln!(out)?;
        }
    } else if opts.echo && prompted {
        writeln!(out, "{PROMPT}")?;
    }
    Ok(ok)
}

/// Runs one command given on the command line, then `save`, as augtool does whether or
/// not `-s` was given (`-s` only makes `-e` echo the save). Unlike augtool, which reports
/// only the save's result, a failed command is reported and makes the result `false`.
pub fn run_one(
    session: &mut Session,
    line: &str,
    opts: LoopOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> io::Result<bool> {
    if opts.echo {
        // augtool joins the words with a space after each, and echoes that.
        writeln!(out, "{PROMPT}{line} ")?;
    }
    let ok = session.run_line(line, out, err)? != Outcome::Failed;
    if opts.autosave && opts.echo {
        writeln!(out, "{PROMPT}save")?;
    }
    Ok(session.run_line("save", out, err)? != Outcome::Failed && ok)
}

/// The rustyline helper: completes command names and tree paths.
#[derive(Helper, Hinter, Highlighter, Validator)]
struct AugHelper {
    session: Rc<RefCell<Session>>,
}

impl std::fmt::Debug for AugHelper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AugHelper")
    }
}

impl Completer for AugHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        let start = word_start(before);
        let word = before.get(start..).unwrap_or("");
        let first = before.get(..start).unwrap_or("").trim().is_empty();
        let candidates = if first {
            complete_command(word)
        } else {
            match self.session.try_borrow() {
                Ok(s) => complete_path(&s, word),
                Err(_) => Vec::new(),
            }
        };
        Ok((start, candidates))
    }
}

/// Where the word being typed at the end of `line` starts: after the last blank that
/// separates words, so not after an escaped blank (`a\ b`), nor one inside quotes or
/// inside `[...]`.
pub fn word_start(line: &str) -> usize {
    let mut start = 0;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '\'' | '"' if quote == Some(c) => quote = None,
            '\'' | '"' if quote.is_none() => quote = Some(c),
            '[' if quote.is_none() => depth += 1,
            ']' if quote.is_none() => depth = depth.saturating_sub(1),
            c if is_blank(c) && quote.is_none() && depth == 0 => start = i + c.len_utf8(),
            _ => {}
        }
    }
    start
}

/// The command names starting with `word`, each followed by a space.
pub fn complete_command(word: &str) -> Vec<Pair> {
    COMMANDS
        .iter()
        .chain(crate::diff::EXTRA)
        .filter(|c| c.name.starts_with(word))
        .map(|c| Pair {
            display: c.name.to_owned(),
            replacement: format!("{} ", c.name),
        })
        .collect()
}

/// The children of the path before the last `/` of `word` whose path starts with
/// `word`; those with children of their own get a trailing `/`.
pub fn complete_path(session: &Session, word: &str) -> Vec<Pair> {
    let (dir, pattern) = match word.rfind('/') {
        Some(i) => {
            let dir = word.get(..i).unwrap_or("");
            (format!("{dir}/"), format!("{dir}/*"))
        }
        None => (String::new(), "*".to_owned()),
    };
    let Ok(nodes) = session.aug.match_nodes(&pattern) else {
        return Vec::new();
    };
    let tree = session.aug.tree();
    let mut out = Vec::new();
    for n in nodes {
        let Some(path) = aug_core::print::node_path(tree, n) else {
            continue;
        };
        let step = path.rsplit('/').next().unwrap_or(&path);
        let candidate = format!("{dir}{step}");
        if !candidate.starts_with(word) {
            continue;
        }
        let has_kids = tree.children(n).iter().any(|&c| tree.label(c).is_some());
        // As readline lists file names: the last step, `/` after a node with children.
        let (display, replacement) = if has_kids {
            (format!("{step}/"), format!("{candidate}/"))
        } else {
            (step.to_owned(), candidate)
        };
        out.push(Pair {
            display,
            replacement,
        });
    }
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.replacement == b.replacement);
    out
}

/// Ctrl-C: echoes `^C` (as readline does) and abandons the line.
struct EchoInterrupt;

impl rustyline::ConditionalEventHandler for EchoInterrupt {
    fn handle(
        &self,
        _evt: &rustyline::Event,
        _n: rustyline::RepeatCount,
        _positive: bool,
        ctx: &rustyline::EventContext,
    ) -> Option<rustyline::Cmd> {
        // Only at the end of the line, where the cursor is: elsewhere it would overwrite
        // what was typed.
        if ctx.pos() == ctx.line().len() {
            let mut out = io::stdout();
            let _ = out.write_all(b"^C");
            let _ = out.flush();
        }
        Some(rustyline::Cmd::Interrupt)
    }
}

/// Reads a history file as readline writes it: one entry per line (a `#V2` header and
/// its escapes, from an earlier rustyline, are understood too).
fn read_history(path: &std::path::Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut lines = text.lines().peekable();
    let v2 = lines.peek() == Some(&"#V2");
    if v2 {
        lines.next();
    }
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            if v2 {
                l.replace("\\n", "\n").replace("\\\\", "\\")
            } else {
                l.to_owned()
            }
        })
        .collect()
}

/// Writes the history as readline does (one entry per line, no header), so that augtool
/// and augtool-rs can share `~/.augeas/history`.
fn write_history(path: &std::path::Path, entries: &[String]) -> io::Result<()> {
    let mut text = String::new();
    for e in entries {
        text.push_str(e);
        text.push('\n');
    }
    std::fs::write(path, text)
}

/// `~/.augeas/history`, if there is a home directory.
fn history_file() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join(".augeas").join("history"))
}

fn readline_error(e: ReadlineError) -> io::Error {
    match e {
        ReadlineError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

/// The interactive shell on the terminal: prompt `augtool> `, history, completion. Ends
/// at end of input (Ctrl-D) or `quit`; Ctrl-C abandons the current line. Returns whether
/// every command succeeded.
pub fn run_interactive(
    session: Rc<RefCell<Session>>,
    opts: LoopOptions,
    ok_so_far: bool,
) -> io::Result<bool> {
    let config = Config::builder()
        .behavior(Behavior::PreferTerm)
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .max_history_size(100_000)
        .map_err(readline_error)?
        .build();
    let mut rl: Editor<AugHelper, DefaultHistory> =
        Editor::with_config(config).map_err(readline_error)?;
    rl.set_helper(Some(AugHelper {
        session: Rc::clone(&session),
    }));
    rl.bind_sequence(
        rustyline::KeyEvent::ctrl('C'),
        rustyline::EventHandler::Conditional(Box::new(EchoInterrupt)),
    );
    let history = history_file();
    let mut entries: Vec<String> = history.as_deref().map(read_history).unwrap_or_default();
    for e in &entries {
        let _ = rl.add_history_entry(e.as_str());
    }
    let stdout = io::stdout();
    let stderr = io::stderr();
    let mut ok = ok_so_far;
    let mut quit = false;
    loop {
        match rl.readline(PROMPT) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                    entries.push(line.clone());
                }
                let outcome = session.borrow_mut().run_line(
                    &line,
                    &mut RawBytes::new(stdout.lock()),
                    &mut RawBytes::new(stderr.lock()),
                )?;
                match outcome {
                    Outcome::Done => {}
                    Outcome::Failed => ok = false,
                    Outcome::Quit => {
                        quit = true;
                        break;
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(readline_error(e)),
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = write_history(h, &entries);
    }
    if quit {
        return Ok(ok);
    }
    let mut s = session.borrow_mut();
    let opts = LoopOptions {
        echo: false,
        ..opts
    };
    let ok = finish(
        &mut s,
        opts,
        &mut RawBytes::new(stdout.lock()),
        &mut RawBytes::new(stderr.lock()),
        ok,
        false,
    )?;
    println!();
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::word_start;

    #[test]
    fn completion_word() {
        assert_eq!(word_start("ls /files/etc/ho"), 3);
        assert_eq!(word_start("cou"), 0);
        assert_eq!(word_start("get /a\\ b/c"), 4);
        assert_eq!(word_start("get /a[. = 'x y']/b"), 4);
        assert_eq!(word_start("set /a 'x y"), 7);
        assert_eq!(word_start("get "), 4);
    }
}
