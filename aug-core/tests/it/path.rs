//! The path-language and tree-operation tables (`tests/data/path.tests`, `ops.tests`),
//! plus a slow oracle test that replays the path table through C `augtool`.

use aug_core::print::{node_path, parse_print, print_subtree, quote_value};
use aug_core::srun::tokenizer::{Kind, quote};
use aug_core::{NodeId, Tree, Value, Vars, ops};
use std::fmt::Write as _;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// One case of a table: a name, a command line and the expected result lines.
#[derive(Debug)]
struct Case {
    line: usize,
    name: String,
    command: String,
    expected: Vec<String>,
}

/// A table: directives (`fixture`, `context`, `defvar`) before the cases, then the cases.
#[derive(Debug, Default)]
struct Table {
    fixture: String,
    context: String,
    defvars: Vec<(String, String)>,
    cases: Vec<Case>,
}

fn parse_table(text: &str) -> Table {
    let mut t = Table {
        fixture: "root.tree".into(),
        context: "/files".into(),
        ..Table::default()
    };
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("     ") {
            let case = t.cases.last_mut().expect("result line before any test");
            case.expected.push(rest.to_owned());
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        match word {
            "fixture" => t.fixture = rest.to_owned(),
            "context" => t.context = rest.to_owned(),
            "defvar" => {
                let (n, e) = rest.split_once(' ').expect("defvar NAME EXPR");
                t.defvars.push((n.to_owned(), e.to_owned()));
            }
            "test" => {
                let (n, c) = rest.split_once(' ').unwrap_or((rest, ""));
                t.cases.push(Case {
                    line: i + 1,
                    name: n.to_owned(),
                    command: c.to_owned(),
                    expected: Vec::new(),
                });
            }
            _ => panic!("line {}: unknown directive {word}", i + 1),
        }
    }
    t
}

/// The fixture tree, its variables and the context node.
fn setup(t: &Table) -> (Tree, Vars, NodeId) {
    let tree = parse_print(&read(&t.fixture)).expect("fixture parses");
    let mut vars = Vars::new();
    let ctx = ops::get_node(&tree, &vars, tree.root(), &t.context)
        .expect("context")
        .expect("context exists");
    for (n, e) in &t.defvars {
        ops::defvar(&tree, &mut vars, ctx, n, Some(e)).expect("defvar");
    }
    (tree, vars, ctx)
}

fn node_line(tree: &Tree, n: NodeId) -> String {
    let p = node_path(tree, n).unwrap_or_else(|| "(hidden)".into());
    match tree.value(n) {
        Some(v) => format!("{p} = {}", quote_value(v)),
        None => p,
    }
}

/// What a path expression evaluates to, as result lines: evaluated as the handle does,
/// from the root with `ctx` as the context node (a lone `/` means `/*`, as in `match`).
fn eval_lines(tree: &Tree, vars: &Vars, ctx: NodeId, expr: &str) -> Vec<String> {
    let parsed = aug_core::PathExpr::parse_with(if expr == "/" { "/*" } else { expr }, vars);
    let value = parsed.and_then(|p| p.eval_in(tree, vars, tree.root(), Some(ctx)));
    match value {
        Err(e) => vec![format!("error {}", e.kind.message())],
        Ok(Value::NodeSet(ns)) => ns
            .into_iter()
            .filter(|&n| tree.label(n).is_some())
            .map(|n| node_line(tree, n))
            .collect(),
        Ok(Value::Number(n)) => vec![format!("value number {n}")],
        Ok(Value::Bool(b)) => vec![format!("value bool {b}")],
        Ok(Value::String(s)) => vec![format!("value string {}", quote_value(&s))],
        Ok(Value::Regexp { .. }) => vec!["value regexp".into()],
    }
}

fn report(table: &str, failures: &[String], total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {total} cases in {table} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn diff(case: &Case, actual: &[String]) -> String {
    format!(
        "line {} test {} {}\n  expected:\n{}\n  actual:\n{}",
        case.line,
        case.name,
        case.command,
        case.expected
            .iter()
            .map(|l| format!("     {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        actual
            .iter()
            .map(|l| format!("     {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[test]
fn path_table() {
    let table = parse_table(&read("path.tests"));
    let (tree, vars, ctx) = setup(&table);
    let mut failures = Vec::new();
    for case in &table.cases {
        let actual = eval_lines(&tree, &vars, ctx, &case.command);
        if actual != case.expected {
            failures.push(diff(case, &actual));
        }
    }
    assert!(table.cases.len() >= 200, "the path table shrank");
    report("path.tests", &failures, table.cases.len());
}

/// Runs one command of `ops.tests` and returns its result line (empty on success with
/// nothing to say).
fn run_op(tree: &mut Tree, vars: &mut Vars, ctx: NodeId, command: &str) -> Result<String, String> {
    let args = split_args(command);
    let a = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let opt = |i: usize| args.get(i).map(String::as_str);
    let r = match a(0) {
        "set" => ops::set(tree, vars, ctx, a(1), opt(2)).map(|_| String::new()),
        "setm" => ops::setm(tree, vars, ctx, a(1), opt(2), opt(3)).map(|n| n.to_string()),
        "clear" => ops::clear(tree, vars, ctx, a(1)).map(|_| String::new()),
        "clearm" => ops::clearm(tree, vars, ctx, a(1), a(2)).map(|n| n.to_string()),
        "touch" => ops::touch(tree, vars, ctx, a(1)).map(|_| String::new()),
        "rm" => ops::rm(tree, vars, ctx, a(1)).map(|n| n.to_string()),
        "ins" => ops::insert(tree, vars, ctx, a(3), a(1), a(2) == "before").map(|_| String::new()),
        "mv" => ops::mv(tree, vars, ctx, a(1), a(2)).map(|_| String::new()),
        "cp" => ops::cp(tree, vars, ctx, a(1), a(2)).map(|_| String::new()),
        "rename" => ops::rename(tree, vars, ctx, a(1), a(2)).map(|n| n.to_string()),
        "get" => {
            ops::get(tree, vars, ctx, a(1)).map(|v| v.map_or("(none)".into(), |v| quote_value(&v)))
        }
        "label" => ops::label(tree, vars, ctx, a(1)).map(|v| v.unwrap_or_else(|| "(none)".into())),
        // The node `get` looks at: its path (`/` for the hidden root), or `(o)`.
        "getnode" => ops::get_node(tree, vars, ctx, a(1)).map(|n| match n {
            None => "(o)".into(),
            Some(n) => node_path(tree, n).unwrap_or_else(|| "(hidden)".into()),
        }),
        "count" => ops::count(tree, vars, ctx, a(1)).map(|n| n.to_string()),
        "match" => ops::match_paths(tree, vars, ctx, a(1)).map(|v| v.join(" ")),
        "defvar" => ops::defvar(tree, vars, ctx, a(1), opt(2)).map(|n| n.to_string()),
        "defnode" => {
            ops::defnode(tree, vars, ctx, a(1), a(2), opt(3)).map(|(n, c)| format!("{n} {c}"))
        }
        other => return Err(format!("unknown command {other}")),
    };
    r.map_err(|e| match e.details {
        Some(d) if e.path.is_none() => format!("{:?}: {d}", e.code),
        _ => format!("{:?}: {}", e.code, e.message),
    })
}

/// Splits a command line into words like augtool: `'...'` and `"..."` group (and are
/// removed), and blanks and quotes inside `[...]` are kept as they are. Not augtool's own
/// tokenizer (`srun::tokenizer`): the table calls the operations directly with malformed
/// expressions, such as an unclosed `[`, that the tokenizer would refuse before the path
/// parser saw them.
fn split_args(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut depth = 0usize;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '[') => {
                depth += 1;
                cur.push(c);
                any = true;
            }
            (None, ']') => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            (None, '\'' | '"') if depth == 0 => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, ' ') if depth == 0 => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// `ops.tests`: each case is `test NAME` followed by commands (`> CMD`, with `=> RESULT`
/// lines to check a command's result or error), then optionally `unchanged` (the whole
/// tree, flags included, must be as before the commands) and the expected `print` of the
/// subtree named by `print PATH`.
#[test]
fn ops_table() {
    let text = read("ops.tests");
    let mut failures = Vec::new();
    let mut total = 0;
    let mut blocks: Vec<(usize, String, Vec<String>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix("test ") {
            blocks.push((i + 1, name.to_owned(), Vec::new()));
        } else if let Some(b) = blocks.last_mut() {
            b.2.push(line.to_owned());
        }
    }
    for (line, name, body) in blocks {
        total += 1;
        let table = Table {
            fixture: "root.tree".into(),
            context: "/files".into(),
            ..Table::default()
        };
        let (mut tree, mut vars, ctx) = setup(&table);
        let before = tree.clone();
        let mut out = Vec::new();
        let mut expected = Vec::new();
        let mut print_path: Option<String> = None;
        let mut check_unchanged = false;
        for l in &body {
            if let Some(cmd) = l.strip_prefix("> ") {
                let r = run_op(&mut tree, &mut vars, ctx, cmd);
                match r {
                    Ok(s) if s.is_empty() => {}
                    Ok(s) => out.push(format!("=> {s}")),
                    Err(e) => out.push(format!("=> error {e}")),
                }
            } else if let Some(p) = l.strip_prefix("print ") {
                print_path = Some(p.to_owned());
            } else if l == "unchanged" {
                check_unchanged = true;
                expected.push(l.clone());
            } else if let Some(e) = l.strip_prefix("     ") {
                expected.push(e.to_owned());
            } else if l.starts_with("=> ") {
                expected.push(l.clone());
            } else {
                panic!("ops.tests line {line}: cannot read {l:?}");
            }
        }
        if check_unchanged {
            // The whole tree, dirty flags included, is what it was before the commands.
            out.push(
                if tree == before {
                    "unchanged"
                } else {
                    "changed"
                }
                .to_owned(),
            );
        }
        if let Some(p) = &print_path {
            match ops::get_node(&tree, &vars, ctx, p) {
                Ok(Some(n)) => {
                    let mut s = String::new();
                    let np = node_path(&tree, n).unwrap_or_default();
                    print_subtree(&tree, n, &np, &mut s);
                    out.extend(s.lines().map(str::to_owned));
                }
                Ok(None) => out.push("(no node)".into()),
                Err(e) => out.push(format!("print error {e}")),
            }
        }
        if out != expected {
            let mut msg = format!("line {line} test {name}\n  expected:\n");
            for e in &expected {
                let _ = writeln!(msg, "     {e}");
            }
            msg.push_str("  actual:\n");
            for o in &out {
                let _ = writeln!(msg, "     {o}");
            }
            failures.push(msg);
        }
    }
    assert!(total >= 30, "the ops table shrank");
    report("ops.tests", &failures, total);
}

/// augtool's tokenizer drops trailing whitespace even when escaped, so labels ending in
/// a space cannot be created or named there.
fn untokenizable(path: &str) -> bool {
    path.contains("\\ /") || path.contains("\\  ") || path.ends_with("\\ ")
}

/// Commands that rebuild the fixture in augtool.
fn augtool_fixture(tree: &Tree) -> String {
    let mut out = String::new();
    for n in tree.descendants_or_self(tree.root()).skip(1) {
        let Some(p) = node_path(tree, n) else {
            continue;
        };
        if untokenizable(&p) {
            continue;
        }
        let p = p.replace('\'', "\\'").replace('"', "\\\"");
        match tree.value(n) {
            None => {
                let _ = writeln!(out, "clear {p}");
            }
            Some(v) => {
                let v = v
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n");
                let _ = writeln!(out, "set {p} \"{v}\"");
            }
        }
    }
    out
}

/// The slow oracle: replays every path case that augtool's tokenizer can express through
/// C augtool 1.14 and compares the matches (or the error message).
#[test]
fn path_table_against_augtool() {
    if std::env::var_os("RUN_SLOW_TESTS").is_none() {
        return;
    }
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let table = parse_table(&read("path.tests"));
    let (tree, vars, ctx) = setup(&table);
    let mut script = augtool_fixture(&tree);
    for (n, e) in &table.defvars {
        let _ = writeln!(script, "defvar {n} {}", quote(e, Kind::Path));
    }
    let empty = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &table.cases {
        if case.name == "fn-modified" || case.expected.iter().any(|e| e.starts_with("value ")) {
            continue; // see the notes at the top of path.tests
        }
        // augtool's tokenizer rejects unbalanced brackets and drops a trailing `/`.
        let unbalanced = case.command.matches('[').count() != case.command.matches(']').count();
        if unbalanced
            || case.command.ends_with('/')
            || case.command.ends_with(' ')
            || case.expected.iter().any(|e| untokenizable(e))
        {
            continue;
        }
        let word = quote(&case.command, Kind::Path);
        let input = format!("{script}match {word}\n");
        let mut child = Command::new("augtool")
            .args(["-n", "-A", "-r"])
            .arg(empty.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("augtool runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("augtool finishes");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.contains("Failed to execute command") {
            continue; // The tokenizer, not the path engine, refused the command.
        }
        let actual: Vec<String> = eval_lines(&tree, &vars, ctx, &case.command)
            .into_iter()
            .filter(|l| !untokenizable(l.split(" = ").next().unwrap_or(l)))
            .collect();
        let theirs: Vec<String>;
        let ours: Vec<String>;
        if let Some(err) = actual.first().and_then(|l| l.strip_prefix("error ")) {
            ours = vec![err.to_owned()];
            theirs = stderr
                .lines()
                .filter_map(|l| l.strip_prefix("error: "))
                .filter(|l| *l != "Invalid path expression")
                .take(1)
                .map(|l| {
                    if l == "Too many matches for path expression" {
                        "too many matches".to_owned()
                    } else {
                        l.to_owned()
                    }
                })
                .collect();
        } else {
            ours = tree_lines(&tree, &actual);
            theirs = stdout
                .lines()
                .filter(|l| *l != "  (no matches)")
                .map(str::to_owned)
                .collect();
        }
        compared += 1;
        if ours != theirs {
            failures.push(format!(
                "test {} {}\n  augtool: {theirs:?}\n  ours:    {ours:?}",
                case.name, case.command
            ));
        }
    }
    eprintln!("compared {compared} path cases with augtool");
    assert!(compared > 150, "only {compared} cases compared");
    report("path.tests (against augtool)", &failures, compared);
}

/// Our result lines in augtool's `match` format: `PATH = raw value` or `PATH = (none)`.
fn tree_lines(_tree: &Tree, lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| match l.split_once(" = \"") {
            Some((p, v)) => {
                let raw = v.strip_suffix('"').unwrap_or(v);
                let raw = raw
                    .replace("\\n", "\n")
                    .replace("\\\"", "\"")
                    .replace("\\\\", "\\");
                format!("{p} = {raw}")
            }
            None => format!("{l} = (none)"),
        })
        .flat_map(|l| l.lines().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}
