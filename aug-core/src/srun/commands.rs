//! The augtool command table: every command's name, arguments (path or string), synopsis,
//! help text and handler, plus parsing a command line against the table (and the commands
//! a front door adds, such as augtool-rs's `diff`).

use super::Shell;
use super::output::{self, Failure};
use super::tokenizer::{self, Kind, TokenError};
use crate::{Error, ErrorCode, ErrorKind};
use crate::{Filter, Position};
use std::io::Write;

/// The groups `help` lists commands under, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Loading, saving, transforms.
    Admin,
    /// Errors, info, help, source, preview.
    Informational,
    /// Commands that only read the tree.
    Read,
    /// Commands that change the tree.
    Write,
    /// Variables.
    PathExpr,
}

impl Group {
    /// All groups, in `help` order.
    pub const ALL: [Group; 5] = [
        Group::Admin,
        Group::Informational,
        Group::Read,
        Group::Write,
        Group::PathExpr,
    ];

    /// The heading `help` prints, without ` commands:`.
    pub fn title(self) -> &'static str {
        match self {
            Group::Admin => "Admin",
            Group::Informational => "Informational",
            Group::Read => "Read",
            Group::Write => "Write",
            Group::PathExpr => "Path expression",
        }
    }
}

/// One argument of a command.
#[derive(Debug)]
pub struct Arg {
    /// The name, shown upper-cased in `help` (`<PATH>`).
    pub name: &'static str,
    /// How the argument is tokenized.
    pub kind: Kind,
    /// Whether it may be left out (only trailing arguments are optional).
    pub optional: bool,
    /// One line for the OPTIONS section of `help CMD`.
    pub help: &'static str,
}

/// The parsed arguments of one command, in the order the command declares them.
#[derive(Debug, Default)]
pub struct Args(Vec<String>);

impl Args {
    /// Argument `i`, if given.
    pub fn opt(&self, i: usize) -> Option<&str> {
        self.0.get(i).map(String::as_str)
    }

    /// Argument `i`, or `""` (the parser guarantees mandatory arguments are present).
    pub fn req(&self, i: usize) -> &str {
        self.opt(i).unwrap_or("")
    }
}

/// What a command does: reads arguments, works on the session, writes to `out`.
pub type Handler = fn(&mut Shell<'_>, &Args, &mut dyn Write) -> Result<(), Failure>;

/// A command of the table.
#[derive(Debug)]
pub struct Command {
    /// The name typed at the prompt.
    pub name: &'static str,
    /// The group `help` lists it under.
    pub group: Group,
    /// Its arguments.
    pub args: &'static [Arg],
    /// A one-line summary.
    pub synopsis: &'static str,
    /// The DESCRIPTION of `help CMD`; lines are separated by `\n`.
    pub help: &'static str,
    /// The implementation.
    pub run: Handler,
}

/// A path argument (blanks inside `[...]` need no quoting).
pub const fn path(name: &'static str, help: &'static str) -> Arg {
    Arg {
        name,
        kind: Kind::Path,
        optional: false,
        help,
    }
}

/// A string argument.
pub const fn string(name: &'static str, help: &'static str) -> Arg {
    Arg {
        name,
        kind: Kind::Str,
        optional: false,
        help,
    }
}

/// `arg`, made optional (only trailing arguments may be).
pub const fn optional(mut arg: Arg) -> Arg {
    arg.optional = true;
    arg
}

const MV_HELP: &str = "Move the node SRC, which must match exactly one node, to DST. If DST\n\
matches one node, that node and its subtree are replaced; if it matches\n\
none, it is created together with any missing ancestors.";
const CP_HELP: &str = "Copy the node SRC, which must match exactly one node, to DST. If DST\n\
matches one node, that node and its subtree are replaced; if it matches\n\
none, it is created together with any missing ancestors.";
const INS_HELP: &str = "Insert a new node labelled LABEL just before or just after the node\n\
PATH matches. PATH must match exactly one node; WHERE is 'before' or 'after'.";

/// The command table, in `help` order. `insert`, `move` and `copy` are aliases.
pub static COMMANDS: &[Command] = &[
    Command {
        name: "context",
        group: Group::Admin,
        args: &[optional(path("path", "new context for relative paths"))],
        synopsis: "change how relative paths are interpreted",
        help: "Relative paths are evaluated against the context path, which is kept in\n\
/augeas/context.\n\
\n\
Without PATH, print the context (like 'get /augeas/context').\n\
With PATH, make it the new context, much like 'cd' in a shell; this is\n\
the same as 'set /augeas/context PATH'.",
        run: cmd_context,
    },
    Command {
        name: "load",
        group: Group::Admin,
        args: &[],
        synopsis: "(re)load files under /files",
        help: "Load the files the transforms under /augeas/load select. Each transform\n\
/augeas/load/NAME has a 'lens' child naming the lens (for example\n\
'Hosts.lns' or '@Hosts') and 'incl'/'excl' children holding file globs.\n\
Files that did not change since they were loaded are kept as they are.\n\
A file that two transforms claim is an error.",
        run: cmd_load,
    },
    Command {
        name: "save",
        group: Group::Admin,
        args: &[],
        synopsis: "save all pending changes",
        help: "Write every changed file back to disk. /augeas/save decides how:\n\
\n\
  overwrite - replace the file with the new text (the default)\n\
  backup    - keep the original as FILE.augsave, then overwrite\n\
  newfile   - write the new text to FILE.augnew, leave FILE alone\n\
  noop      - write nothing, only report what would be saved\n\
\n\
Every changed file is attempted even when one fails; run 'errors' to see\n\
why a file could not be saved.",
        run: cmd_save,
    },
    Command {
        name: "transform",
        group: Group::Admin,
        args: &[
            path("lens", "the lens to use"),
            path("filter", "the type of filter, either \"incl\" or \"excl\""),
            path("file", "the file to associate to the lens"),
        ],
        synopsis: "add a file transform",
        help: "Make LENS load FILE (FILTER 'incl') or keep it away from FILE (FILTER\n\
'excl'). LENS is a module name such as Hosts, meaning Hosts.lns, or a full\n\
lens name. FILE may contain glob wildcards. The transform takes effect at\n\
the next 'load'.",
        run: cmd_transform,
    },
    Command {
        name: "load-file",
        group: Group::Admin,
        args: &[path("file", "the file to load")],
        synopsis: "load a specific file",
        help: "Load the single FILE, with the lens whose transform covers it.",
        run: cmd_load_file,
    },
    Command {
        name: "retrieve",
        group: Group::Admin,
        args: &[
            string("lens", "the name of the lens"),
            path(
                "node_in",
                "the node containing the initial text (path expression)",
            ),
            path("path", "the tree to transform (path expression)"),
            path(
                "node_out",
                "where to store the resulting text (path expression)",
            ),
        ],
        synopsis: "transform tree into text",
        help: "Turn the tree at PATH back into text with LENS and store the text as\n\
the value of NODE_OUT. The value of NODE_IN is taken as the text the tree\n\
was originally read from.",
        run: cmd_retrieve,
    },
    Command {
        name: "store",
        group: Group::Admin,
        args: &[
            string("lens", "the name of the lens"),
            path("node", "where to find the input text"),
            path("path", "where to store parsed text"),
        ],
        synopsis: "parse text into tree",
        help: "Parse the value of NODE with LENS and put the resulting tree at PATH.",
        run: cmd_store,
    },
    Command {
        name: "quit",
        group: Group::Admin,
        args: &[],
        synopsis: "exit the program",
        help: "Leave augtool. Unsaved changes are lost unless --autosave is in effect.",
        run: cmd_quit,
    },
    Command {
        name: "errors",
        group: Group::Informational,
        args: &[],
        synopsis: "show all errors encountered in processing files",
        help: "List the errors recorded while loading and saving files: for each, the\n\
file and position, the message, and the lens involved, with the last lens\n\
that matched and the next one that did not where known. The raw data is\n\
in the tree: 'print /augeas//error'.",
        run: cmd_errors,
    },
    Command {
        name: "info",
        group: Group::Informational,
        args: &[],
        synopsis: "print runtime information",
        help: "Print the version, the root directory, the module search path, the\n\
context and the number of loaded files.",
        run: cmd_info,
    },
    Command {
        name: "help",
        group: Group::Informational,
        args: &[optional(string(
            "command",
            "print help for this command only",
        ))],
        synopsis: "print help",
        help: "Without COMMAND, list all commands; with COMMAND, describe it.",
        run: cmd_help,
    },
    Command {
        name: "source",
        group: Group::Informational,
        args: &[path("path", "path to a single node")],
        synopsis: "print the file to which a node belongs",
        help: "Print the file node (for example /files/etc/hosts) that the node PATH\n\
belongs to; print nothing when the node is not part of a file. PATH must\n\
match exactly one node.",
        run: cmd_source,
    },
    Command {
        name: "preview",
        group: Group::Informational,
        args: &[path(
            "path",
            "preview the file output which corresponds to path",
        )],
        synopsis: "preview the file contents for the path specified",
        help: "Print the text that 'save' would write for the file the node PATH\n\
belongs to, without writing anything.",
        run: cmd_preview,
    },
    Command {
        name: "dump-xml",
        group: Group::Read,
        args: &[optional(path("path", "print this subtree"))],
        synopsis: "print a subtree as XML",
        help: "Print the nodes PATH matches, with their subtrees, as XML; without\n\
PATH, print the whole tree.",
        run: cmd_dump_xml,
    },
    Command {
        name: "get",
        group: Group::Read,
        args: &[path("path", "get the value of this node")],
        synopsis: "get the value of a node",
        help: "Print the value of the node PATH: '(none)' when it has no value, '(o)'\n\
when there is no such node.",
        run: cmd_get,
    },
    Command {
        name: "label",
        group: Group::Read,
        args: &[path("path", "get the label of this node")],
        synopsis: "get the label of a node",
        help: "Print the label of the node PATH, or '(o)' when there is no such node.",
        run: cmd_label,
    },
    Command {
        name: "ls",
        group: Group::Read,
        args: &[path("path", "the node whose children to list")],
        synopsis: "list children of a node",
        help: "List the children of PATH with their values; a child that has children\n\
of its own is shown with a trailing '/'.",
        run: cmd_ls,
    },
    Command {
        name: "match",
        group: Group::Read,
        args: &[
            path("path", "the path expression to match"),
            optional(string("value", "only show matches with this value")),
        ],
        synopsis: "print matches for a path expression",
        help: "Print every node PATH matches with its value. With VALUE, print only\n\
the paths of the matches whose value is VALUE.",
        run: cmd_match,
    },
    Command {
        name: "count",
        group: Group::Read,
        args: &[path("path", "the path expression to match")],
        synopsis: "print the number of matches for a path expression",
        help: "Print how many nodes PATH matches.",
        run: cmd_count,
    },
    Command {
        name: "print",
        group: Group::Read,
        args: &[optional(path("path", "print this subtree"))],
        synopsis: "print a subtree",
        help: "Print the nodes PATH matches and their descendants, one per line, with\n\
quoted values; without PATH, print the whole tree.",
        run: cmd_print,
    },
    Command {
        name: "span",
        group: Group::Read,
        args: &[path("path", "path matching exactly one node")],
        synopsis: "print position in input file corresponding to tree",
        help: "Print the file the node PATH was read from and the byte ranges of its\n\
label, its value and the whole node. PATH must match exactly one node.\n\
\n\
Spans are only recorded when enabled before loading: start with --span,\n\
or run 'set /augeas/span enable', 'rm /files' and 'load'.",
        run: cmd_span,
    },
    Command {
        name: "clear",
        group: Group::Write,
        args: &[path("path", "clear the value of this node")],
        synopsis: "clear the value of a node",
        help: "Remove the value of the node PATH, creating the node and any missing\n\
ancestors (as last children) if needed.",
        run: cmd_clear,
    },
    Command {
        name: "clearm",
        group: Group::Write,
        args: &[
            path("base", "the base node"),
            path("sub", "the subtree relative to the base"),
        ],
        synopsis: "clear the value of multiple nodes",
        help: "For each node BASE matches, clear the value of SUB evaluated relative\n\
to it, creating SUB where it does not exist. SUB '.' means the base node.",
        run: cmd_clearm,
    },
    Command {
        name: "ins",
        group: Group::Write,
        args: &[
            string("label", "the label for the new node"),
            string("where", "either 'before' or 'after'"),
            path("path", "the node before/after which to insert"),
        ],
        synopsis: "insert new node",
        help: INS_HELP,
        run: cmd_ins,
    },
    Command {
        name: "insert",
        group: Group::Write,
        args: &[
            string("label", "the label for the new node"),
            string("where", "either 'before' or 'after'"),
            path("path", "the node before/after which to insert"),
        ],
        synopsis: "insert new node (alias of 'ins')",
        help: INS_HELP,
        run: cmd_ins,
    },
    Command {
        name: "mv",
        group: Group::Write,
        args: &[
            path("src", "the tree to move"),
            path("dst", "where to put the source tree"),
        ],
        synopsis: "move a subtree",
        help: MV_HELP,
        run: cmd_mv,
    },
    Command {
        name: "move",
        group: Group::Write,
        args: &[
            path("src", "the tree to move"),
            path("dst", "where to put the source tree"),
        ],
        synopsis: "move a subtree (alias of 'mv')",
        help: MV_HELP,
        run: cmd_mv,
    },
    Command {
        name: "cp",
        group: Group::Write,
        args: &[
            path("src", "the tree to copy"),
            path("dst", "where to copy the source tree"),
        ],
        synopsis: "copy a subtree",
        help: CP_HELP,
        run: cmd_cp,
    },
    Command {
        name: "copy",
        group: Group::Write,
        args: &[
            path("src", "the tree to copy"),
            path("dst", "where to copy the source tree"),
        ],
        synopsis: "copy a subtree (alias of 'cp')",
        help: CP_HELP,
        run: cmd_cp,
    },
    Command {
        name: "rename",
        group: Group::Write,
        args: &[
            path("src", "the tree to rename"),
            string("lbl", "the new label"),
        ],
        synopsis: "rename a subtree label",
        help: "Give every node SRC matches the label LBL, and print how many were\n\
renamed.",
        run: cmd_rename,
    },
    Command {
        name: "rm",
        group: Group::Write,
        args: &[path(
            "path",
            "remove all nodes matching this path expression",
        )],
        synopsis: "delete nodes and subtrees",
        help: "Delete every node PATH matches together with its subtree, and print how\n\
many nodes were deleted, descendants included.",
        run: cmd_rm,
    },
    Command {
        name: "set",
        group: Group::Write,
        args: &[
            path("path", "set the value of this node"),
            optional(string("value", "the new value for the node")),
        ],
        synopsis: "set the value of a node",
        help: "Set the value of the node PATH to VALUE. If there is no such node, it\n\
is created with any missing ancestors, each as the last of its siblings.\n\
PATH must not match more than one node.",
        run: cmd_set,
    },
    Command {
        name: "setm",
        group: Group::Write,
        args: &[
            path("base", "the base node"),
            path("sub", "the subtree relative to the base"),
            optional(string("value", "the value for the nodes")),
        ],
        synopsis: "set the value of multiple nodes",
        help: "For each node BASE matches, set SUB evaluated relative to it to VALUE,\n\
creating SUB where it does not exist. SUB '.' means the base node.",
        run: cmd_setm,
    },
    Command {
        name: "touch",
        group: Group::Write,
        args: &[path("path", "touch this node")],
        synopsis: "create a new node",
        help: "Create the node PATH, without a value, unless something matches it\n\
already. Missing ancestors are created too, as last children.",
        run: cmd_touch,
    },
    Command {
        name: "defnode",
        group: Group::PathExpr,
        args: &[
            string("name", "the name of the variable"),
            path("expr", "the path expression"),
            optional(string("value", "the value for the new node")),
        ],
        synopsis: "set a variable, possibly creating a new node",
        help: "Define $NAME as the node set EXPR evaluates to. When EXPR matches\n\
nothing, a node is created for it (with VALUE, if given) and $NAME refers\n\
to that node.",
        run: cmd_defnode,
    },
    Command {
        name: "defvar",
        group: Group::PathExpr,
        args: &[
            string("name", "the name of the variable"),
            path("expr", "the path expression"),
        ],
        synopsis: "set a variable",
        help: "Define $NAME as the value of EXPR, for use in later path expressions.\n\
EXPR is evaluated now (and again after each load), not each time $NAME is\n\
used.",
        run: cmd_defvar,
    },
];

/// The command called `name`: one of the table's, else one of `extra`.
pub fn lookup<'c>(name: &str, extra: &'c [Command]) -> Option<&'c Command> {
    COMMANDS.iter().chain(extra).find(|c| c.name == name)
}

/// A `Failed to execute command` error with `details`.
pub fn cmd_error(details: impl Into<String>) -> Error {
    Error::new(ErrorCode::CmdRun, None, Some(details.into()))
}

fn token_error(e: TokenError) -> Error {
    cmd_error(e.to_string())
}

/// Parses a command line (already stripped of leading whitespace, not empty): the
/// command and its arguments, with augtool's errors for unknown commands, too many or
/// too few arguments and bad tokens.
pub fn parse_line<'c>(line: &str, extra: &'c [Command]) -> Result<(&'c Command, Args), Error> {
    let (name, mut rest) = tokenizer::next_token(line, Kind::Str).map_err(token_error)?;
    let cmd = lookup(&name, extra).ok_or_else(|| cmd_error(format!("Unknown command '{name}'")))?;
    let mut args = Vec::new();
    while !rest.is_empty() {
        rest = rest.trim_start_matches(tokenizer::is_blank);
        let Some(def) = cmd.args.get(args.len()) else {
            return Err(cmd_error(format!(
                "Too many arguments. Command {} takes only {} arguments",
                cmd.name,
                cmd.args.len()
            )));
        };
        let (tok, r) = tokenizer::next_token(rest, def.kind).map_err(token_error)?;
        let tok = match def.kind {
            Kind::Path => tokenizer::clean_path(tok),
            Kind::Str => tok,
        };
        args.push(tok);
        rest = r.trim_start_matches(tokenizer::is_blank);
    }
    let required = cmd.args.iter().filter(|a| !a.optional).count();
    if args.len() < required {
        return Err(cmd_error(format!("Not enough arguments for {}", cmd.name)));
    }
    Ok((cmd, Args(args)))
}

/// Drops the details of an error, for the commands whose C counterparts report only the
/// error code (`set`, `ins`, `mv`, ...).
fn bare(e: Error) -> Error {
    match e.code {
        ErrorCode::MMatch | ErrorCode::NoMatch => Error::new(e.code, e.minor, None),
        _ => e,
    }
}

fn one_node_error(code: ErrorCode, details: String) -> Failure {
    Failure::Aug(Error::new(code, None, Some(details)))
}

fn cmd_context(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    match a.opt(0) {
        Some(p) => s.aug.set("/augeas/context", Some(p))?,
        None => {
            let ctx = s.aug.get("/augeas/context")?;
            writeln!(out, "{}", ctx.as_deref().unwrap_or("/"))?;
        }
    }
    Ok(())
}

fn cmd_load(s: &mut Shell<'_>, _: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.aug
        .load()
        .map_err(|_| cmd_error("loading failed (run 'errors' for details)"))?;
    Ok(())
}

fn cmd_save(s: &mut Shell<'_>, _: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    s.aug
        .save()
        .map_err(|_| cmd_error("saving failed (run 'errors' for details)"))?;
    let n = s.aug.count("/augeas/events/saved")?;
    if n > 0 {
        writeln!(out, "Saved {n} file(s)")?;
    }
    Ok(())
}

fn cmd_transform(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    let excl = match a.req(1) {
        "excl" => true,
        "incl" => false,
        _ => return Err(cmd_error("FILTER must be \"incl\" or \"excl\"").into()),
    };
    s.aug.transform(
        a.req(0),
        a.req(2),
        if excl { Filter::Excl } else { Filter::Incl },
    )?;
    Ok(())
}

fn cmd_load_file(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.aug.load_file(a.req(0))?;
    Ok(())
}

/// The checks Augeas makes on the input node of `store` and `retrieve`.
fn source_text(s: &Shell<'_>, node: &str, allow_null: bool) -> Result<(), Failure> {
    let nodes = s.aug.match_nodes(node)?;
    match nodes.as_slice() {
        [] => Err(one_node_error(
            ErrorCode::NoMatch,
            format!("Source node {node} does not exist"),
        )),
        [n] => {
            if !allow_null && s.aug.tree().value(*n).is_none() {
                return Err(one_node_error(
                    ErrorCode::NoMatch,
                    format!("Source node {node} has a NULL value"),
                ));
            }
            Ok(())
        }
        _ => Err(one_node_error(
            ErrorCode::MMatch,
            format!("More than one source node matches {node}"),
        )),
    }
}

fn cmd_retrieve(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    source_text(s, a.req(1), true)?;
    match s.aug.text_retrieve(a.req(0), a.req(1), a.req(2), a.req(3)) {
        // Recorded under /augeas/text; augtool reports nothing (no error code).
        Err(e) if e.code == ErrorCode::NoError => Ok(()),
        r => Ok(r?),
    }
}

fn cmd_store(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    source_text(s, a.req(1), false)?;
    match s.aug.text_store(a.req(0), a.req(1), a.req(2)) {
        // Recorded under /augeas/text; augtool reports nothing (no error code).
        Err(e) if e.code == ErrorCode::NoError => Ok(()),
        r => Ok(r?),
    }
}

fn cmd_quit(s: &mut Shell<'_>, _: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.quit = true;
    Ok(())
}

fn cmd_errors(s: &mut Shell<'_>, _: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    output::errors(s.aug, out)
}

fn cmd_info(s: &mut Shell<'_>, _: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    if let Some(v) = s.aug.get("/augeas/version")? {
        writeln!(out, "version = {v}")?;
    }
    if let Some(r) = s.aug.get("/augeas/root")? {
        writeln!(out, "root = {r}")?;
    }
    writeln!(out, "loadpath = {}", s.aug.loadpath().join(":"))?;
    let ctx = s.aug.get("/augeas/context")?;
    writeln!(out, "context = {}", ctx.as_deref().unwrap_or("/"))?;
    writeln!(out, "num_files = {}", s.aug.count("/augeas/files//path")?)?;
    Ok(())
}

fn cmd_help(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    match a.opt(0) {
        None => output::help_all(s.extra, out),
        Some(name) => match lookup(name, s.extra) {
            Some(cmd) => output::help_command(cmd, out),
            None => Err(cmd_error(format!("unknown command {name}\n")).into()),
        },
    }
}

/// The one node `path` matches, with Augeas's `No node matching` / `Multiple nodes match`
/// errors.
fn single(s: &Shell<'_>, path: &str) -> Result<crate::NodeId, Failure> {
    let nodes = s.aug.match_nodes(path)?;
    match nodes.as_slice() {
        [n] => Ok(*n),
        [] => Err(one_node_error(
            ErrorCode::NoMatch,
            format!("No node matching {path}"),
        )),
        _ => Err(one_node_error(
            ErrorCode::MMatch,
            format!("Multiple nodes match {path}"),
        )),
    }
}

fn cmd_source(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    let n = s.aug.count(p)?;
    if n == 0 {
        return Err(one_node_error(
            ErrorCode::NoMatch,
            format!("There is no node matching {p}"),
        ));
    }
    if let Some(file) = s.aug.source(p)? {
        writeln!(out, "{file}")?;
    }
    Ok(())
}

fn cmd_preview(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    single(s, p)?;
    if s.aug.source(p)?.is_none() {
        return Err(one_node_error(
            ErrorCode::BadArg,
            format!("Path {p} is not associated with a file"),
        ));
    }
    match s.aug.preview(p) {
        Ok(Some(text)) => {
            out.write_all(text.as_bytes())?;
            Ok(())
        }
        _ => Err(cmd_error(format!("Preview of file for path {p} failed")).into()),
    }
}

fn cmd_dump_xml(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    output::dump_xml(s.aug, a.opt(0).unwrap_or("/*"), out)
}

/// The one node `p` designates for `get` and `label`, as `aug_get` finds it: hidden nodes
/// count (`/` is the root, which has neither label nor value), and several nodes are an
/// error.
fn single_get(s: &Shell<'_>, p: &str) -> Result<Option<crate::NodeId>, Failure> {
    let aug = &s.aug;
    Ok(crate::ops::get_node(aug.tree(), aug.vars(), aug.context(), p).map_err(Error::from)?)
}

fn cmd_get(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    match single_get(s, p)? {
        None => writeln!(out, "{p} (o)")?,
        Some(n) => match s.aug.tree().value(n) {
            None => writeln!(out, "{p} (none)")?,
            Some(v) => writeln!(out, "{p} = {v}")?,
        },
    }
    Ok(())
}

fn cmd_label(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    match single_get(s, p)? {
        None => writeln!(out, "{p} (o)")?,
        Some(n) => match s.aug.tree().label(n) {
            None => writeln!(out, "{p} (none)")?,
            Some(l) => writeln!(out, "{p} = {l}")?,
        },
    }
    Ok(())
}

fn cmd_ls(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    let pattern = if p.ends_with('/') {
        format!("{p}*")
    } else {
        format!("{p}/*")
    };
    let tree = s.aug.tree();
    let nodes = s.aug.match_nodes(&pattern)?;
    // All paths at once: one pass over each sibling list, not one per node.
    let paths = crate::print::node_paths(tree, &nodes);
    // Each line written at once (a formatted write is a call per piece).
    let mut line = String::new();
    for (&n, path) in nodes.iter().zip(paths) {
        let path = path.unwrap_or_default();
        let base = path.rsplit('/').next().unwrap_or(&path);
        let dir = tree.children(n).iter().any(|&c| tree.label(c).is_some());
        let value = tree.value(n).unwrap_or("(none)");
        line.clear();
        line.push_str(base);
        line.push_str(if dir { "/ = " } else { " = " });
        line.push_str(value);
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn cmd_match(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    let filter = a.opt(1).filter(|v| !v.is_empty());
    let nodes = s.aug.match_nodes(p)?;
    if nodes.is_empty() {
        writeln!(out, "  (no matches)")?;
        return Ok(());
    }
    let tree = s.aug.tree();
    let paths = crate::print::node_paths(tree, &nodes);
    // Each line written at once (a formatted write is a call per piece).
    let mut line = String::new();
    for (&n, path) in nodes.iter().zip(paths) {
        let path = path.unwrap_or_default();
        let value = tree.value(n).unwrap_or("(none)");
        line.clear();
        match filter {
            Some(f) if f == value => line.push_str(&path),
            Some(_) => continue,
            None => {
                line.push_str(&path);
                line.push_str(" = ");
                line.push_str(value);
            }
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

fn cmd_count(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    match s.aug.count(a.req(0))? {
        0 => writeln!(out, "  no matches")?,
        1 => writeln!(out, "  1 match")?,
        n => writeln!(out, "  {n} matches")?,
    }
    Ok(())
}

fn cmd_print(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    // Like `aug_print`, a lone `/` is the root, which is hidden and prints nothing.
    let p = a.opt(0).filter(|p| !p.is_empty()).unwrap_or("/*");
    let text = s.aug.print(Some(p))?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn cmd_span(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    match s.aug.get("/augeas/span")?.as_deref() {
        Some("enable") => {}
        Some("disable") | None => {
            return Err(cmd_error(
                "Span is not enabled. To enable, run the commands:\n    \
                 set /augeas/span enable\n    rm /files\n    load\n",
            )
            .into());
        }
        Some(_) => {
            return Err(cmd_error("option /augeas/span must be enable or disable\n").into());
        }
    }
    single(s, p)?;
    let info = s.aug.span(p).map_err(|e| match e.code {
        ErrorCode::NoSpan => Error::new(e.code, None, Some(format!("No span info for {p}"))),
        _ => e,
    })?;
    // A label or value that does not come from the text (a `label`/`seq` lens, no value)
    // has an empty range; Augeas reports those as 0:0.
    let range = |r: &std::ops::Range<usize>| {
        if r.is_empty() {
            (0, 0)
        } else {
            (r.start, r.end)
        }
    };
    let (ls, le) = range(&info.label);
    let (vs, ve) = range(&info.value);
    writeln!(
        out,
        "{} label=({ls}:{le}) value=({vs}:{ve}) span=({},{})",
        info.filename, info.span.start, info.span.end
    )?;
    Ok(())
}

fn cmd_clear(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    s.aug
        .clear(p)
        .map_err(|e| failed_to_create(bare(e), "Clearing", p))?;
    Ok(())
}

fn cmd_clearm(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.aug.clearm(a.req(0), a.req(1)).map_err(bare)?;
    Ok(())
}

fn cmd_ins(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    let before = match a.req(1) {
        "before" => true,
        "after" => false,
        _ => {
            return Err(cmd_error(
                "the <WHERE> argument for ins must be either 'before' or 'after'.",
            )
            .into());
        }
    };
    let label = a.req(0);
    if label.contains('/') {
        // Augeas 1.14 refuses such a label without reporting an error.
        return Ok(());
    }
    let position = if before {
        Position::Before
    } else {
        Position::After
    };
    s.aug.insert(a.req(2), label, position).map_err(bare)?;
    Ok(())
}

fn cmd_mv(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.aug.mv(a.req(0), a.req(1)).map_err(bare)?;
    Ok(())
}

fn cmd_cp(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.aug.cp(a.req(0), a.req(1)).map_err(bare)?;
    Ok(())
}

fn cmd_rename(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let (src, lbl) = (a.req(0), a.req(1));
    let n = s.aug.rename(src, lbl)?;
    writeln!(out, "rename : {src} to {lbl} {n}")?;
    Ok(())
}

fn cmd_rm(s: &mut Shell<'_>, a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    let n = s.aug.rm(p)?;
    writeln!(out, "rm : {p} {n}")?;
    Ok(())
}

fn cmd_set(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    s.aug
        .set(p, a.opt(1))
        .map_err(|e| failed_to_create(bare(e), "Setting", p))?;
    Ok(())
}

fn cmd_setm(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.aug
        .setm(a.req(0), Some(a.req(1)), a.opt(2))
        .map_err(bare)?;
    Ok(())
}

fn cmd_touch(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    let p = a.req(0);
    s.aug
        .touch(p)
        .map_err(|e| failed_to_create(bare(e), "Touching", p))?;
    Ok(())
}

/// A path that cannot be created fails in Augeas without an error of its own, and
/// augtool reports `Setting PATH failed` (or `Clearing`, `Touching`).
/// augtool's wording when the node to set, clear or touch cannot be created.
fn failed_to_create(e: Error, verb: &str, path: &str) -> Error {
    if e.kind == ErrorKind::CannotCreate {
        cmd_error(format!("{verb} {path} failed"))
    } else {
        e
    }
}

fn cmd_defnode(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    let value = a.opt(2).filter(|v| !v.is_empty());
    s.aug.defnode(a.req(0), a.req(1), value)?;
    Ok(())
}

fn cmd_defvar(s: &mut Shell<'_>, a: &Args, _: &mut dyn Write) -> Result<(), Failure> {
    s.aug.defvar(a.req(0), Some(a.req(1)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_parse(line: &str, want: Result<(&str, &[&str]), &str>) {
        let got = parse_line(line, &[]);
        match (got, want) {
            (Ok((cmd, args)), Ok((name, expected))) => {
                assert_eq!(cmd.name, name);
                assert_eq!(args.0, expected);
            }
            (Err(e), Err(details)) => assert_eq!(e.details.as_deref(), Some(details)),
            (got, want) => panic!("{line:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn parsing() {
        check_parse("get /a/", Ok(("get", &["/a"])));
        check_parse(
            "set /a[. = 'x y'] 'v w'",
            Ok(("set", &["/a[. = 'x y']", "v w"])),
        );
        check_parse("set", Err("Not enough arguments for set"));
        check_parse(
            "set a b c",
            Err("Too many arguments. Command set takes only 2 arguments"),
        );
        check_parse(
            "info  ",
            Err("Too many arguments. Command info takes only 0 arguments"),
        );
        check_parse("frob x", Err("Unknown command 'frob'"));
        check_parse("get /a  ", Ok(("get", &["/a"])));
    }

    #[test]
    fn thirty_six_commands() {
        assert_eq!(COMMANDS.len(), 36);
    }
}
