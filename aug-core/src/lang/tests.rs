//! Unit tests of the lens-language lexer, parser and evaluator, one case per line.

use super::ast::{BinOp, Expr, ExprKind, PostOp};
use super::lexer::{Tok, lex};
use super::parser::parse_expr;
use super::{ErrorKind, Interpreter, Options};

/// The tokens of `src`, space-separated, in a compact notation.
#[track_caller]
fn check_lex(src: &str, expected: &str) {
    let toks = lex("t.aug", src).unwrap();
    let got: Vec<String> = toks
        .iter()
        .map(|(t, _)| match t {
            Tok::Lid(s) => s.clone(),
            Tok::Uid(s) => format!("U:{s}"),
            Tok::Qid(m, n) => format!("{m}.{n}"),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Re(r, i) => format!("/{}/{}", r.escape_debug(), if *i { "i" } else { "" }),
            Tok::Eof => "EOF".into(),
            t => t.describe().trim_matches('\'').to_owned(),
        })
        .collect();
    assert_eq!(got.join(" "), expected, "{src}");
}

#[track_caller]
fn check_lex_error(src: &str, expected: &str) {
    let e = lex("t.aug", src).unwrap_err();
    assert_eq!(e.to_string(), expected, "{src}");
}

/// Every token's span is what `Span::at` computes from scratch (the lexer computes them
/// incrementally).
#[track_caller]
fn check_lex_spans(src: &str) {
    for (t, span) in lex("t.aug", src).unwrap() {
        let want = crate::error::Span::at(src.as_bytes(), span.offset);
        assert_eq!(span, want, "{t:?} in {src:?}");
    }
}

#[test]
fn lex_spans() {
    check_lex_spans("module A =\n  let x = \"a\\nb\"\n\n(* c\n *) let y = /x\n/ . x\n");
    check_lex_spans("let\trec x = y\r\n  in\n\n\n z");
    check_lex_spans("");
}

fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Ident(n) => n.clone(),
        ExprKind::Qualified(m, n) => format!("{m}.{n}"),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Regexp(r, _) => format!("/{r}/"),
        ExprKind::Unit => "()".into(),
        ExprKind::Subtree(e) => format!("[{}]", sexp(e)),
        ExprKind::Tree(t) => format!("tree{}", t.len()),
        ExprKind::Apply(f, a) => format!("({} {})", sexp(f), sexp(a)),
        ExprKind::Binary(op, a, b) => {
            let o = match op {
                BinOp::Compose => ";",
                BinOp::Union => "|",
                BinOp::Minus => "-",
                BinOp::Concat => ".",
            };
            format!("({} {o} {})", sexp(a), sexp(b))
        }
        ExprKind::Postfix(op, e) => {
            let o = match op {
                PostOp::Star => "*",
                PostOp::Plus => "+",
                PostOp::Opt => "?",
            };
            format!("{}{o}", sexp(e))
        }
        ExprKind::LetIn(b, body) => format!(
            "(let {}/{} = {} in {})",
            b.name,
            b.params.len(),
            sexp(&b.body),
            sexp(body)
        ),
    }
}

/// The fully parenthesised form of the expression `src`.
#[track_caller]
fn check_parse(src: &str, expected: &str) {
    let e = parse_expr("t.aug", src).unwrap();
    assert_eq!(sexp(&e), expected, "{src}");
}

#[track_caller]
fn check_parse_error(src: &str, expected: &str) {
    let e = parse_expr("t.aug", src).unwrap_err();
    assert_eq!(e.to_string(), expected, "{src}");
}

/// Runs module `t` with declarations `decls` and checks the number of passing and failing
/// tests.
#[track_caller]
fn check_tests(decls: &str, passed: usize, failed: usize) {
    let interp = Interpreter::new(vec![], Options::default());
    let src = format!("module T =\n{decls}\n");
    let r = interp.run_source("t.aug", &src).unwrap();
    assert_eq!(
        (r.passed, r.failed),
        (passed, failed),
        "{decls}\n{}",
        r.output
    );
}

/// Evaluates `expr` after `decls` and checks how the value prints.
#[track_caller]
fn check_value(decls: &str, expr: &str, expected: &str) {
    let interp = Interpreter::new(vec![], Options::default());
    let src = format!("module T =\n{decls}\nlet it = {expr}\n");
    let m = interp.register("t.aug", &src).unwrap();
    let idx = m.visible("it", usize::MAX).unwrap();
    let v = interp.force(&m, idx).unwrap();
    assert_eq!(v.to_string(), expected, "{expr}");
}

/// Evaluates `expr` and checks the error message and kind.
#[track_caller]
fn check_eval_error(expr: &str, kind: ErrorKind, expected: &str) {
    let interp = Interpreter::new(vec![], Options::default());
    let src = format!("module T =\nlet it = {expr}\n");
    let m = interp.register("t.aug", &src).unwrap();
    let e = interp.force(&m, 0).unwrap_err();
    assert_eq!((e.kind, e.to_string().as_str()), (kind, expected), "{expr}");
}

#[test]
fn lexer() {
    check_lex("let x = y", "let x = y EOF");
    check_lex("(* a (* nested *) comment *) x", "x EOF");
    check_lex("Util.eol Util . eol", "Util.eol U:Util . eol EOF");
    check_lex(r#""a\tb\"c\\d\q""#, r#""a\tb\"c\\d\\q" EOF"#);
    check_lex("\"two\nlines\"", "\"two\\nlines\" EOF");
    check_lex(r"/[ \t]+/", r"/[ \t]+/ EOF");
    check_lex(r"/a\/b\\c\.d/i", r"/a/b\\c\\.d/i EOF");
    check_lex(r#"/a\"/"#, r#"/a\\\"/ EOF"#);
    check_lex("let rec f = f", "let rec f = f EOF");
    check_lex("let recx", "let recx EOF");
    check_lex(
        "a->b | c* ? + - ; : ( ) [ ] { }",
        "a -> b | c * ? + - ; : ( ) [ ] { } EOF",
    );
    check_lex(
        "test L get s put after in",
        "test U:L get s put after in EOF",
    );
    check_lex("/x/ in", "/x/ in EOF");
}

#[test]
fn lexer_errors() {
    check_lex_error("x (* open", "t.aug:1:3: unterminated comment");
    check_lex_error("\n  \"abc", "t.aug:2:3: unterminated string");
    check_lex_error("/abc", "t.aug:1:1: unterminated regexp");
    check_lex_error("a # b", "t.aug:1:3: unexpected character '#'");
}

#[test]
fn parser() {
    check_parse("f a b", "((f a) b)");
    check_parse("a . b | c . d", "((a . b) | (c . d))");
    check_parse("a - b . c", "(a - (b . c))");
    check_parse("f x* . y?", "((f x*) . y?)");
    check_parse("a | b | c", "((a | b) | c)");
    check_parse("s1 ; s2 ; s3", "((s1 ; s2) ; s3)");
    check_parse("[ key k . store v ]*", "[((key k) . (store v))]*");
    check_parse("f (a . b)", "(f (a . b))");
    check_parse("()", "()");
    check_parse("let x = a in x . b", "(let x/0 = a in (x . b))");
    check_parse("let f (x:string) (y:regexp) = x in f", "(let f/2 = x in f)");
    check_parse("M.a . /x/", "(M.a . /x/)");
    check_parse("get l \"s\"", "((get l) \"s\")");
    check_parse("{ \"a\" = \"b\" { } } { \"c\" }", "tree2");
}

#[test]
fn parser_errors() {
    check_parse_error(
        "f (a",
        "t.aug:1:5: syntax error: expected ')', found end of file",
    );
    check_parse_error(
        "a . ",
        "t.aug:1:5: syntax error: expected an expression, found end of file",
    );
    check_parse_error(
        "let x = a",
        "t.aug:1:10: syntax error: expected 'in', found end of file",
    );
    check_parse_error(
        "let f (x) = a in f",
        "t.aug:1:9: syntax error: expected ':', found ')'",
    );
    check_parse_error(
        "{ \"a\" = b }",
        "t.aug:1:9: syntax error: expected a string value, found identifier 'b'",
    );
}

#[test]
fn values() {
    check_value("", "\"a\" . \"b\"", "\"ab\"");
    check_value("", "\"a.b\" | /c/", "/(a\\.b)|(c)/");
    check_value("", "/[a-z]+/ - \"ab\"", "/([a-z]+)-(ab)/");
    check_value("let x = \"v\"", "let y = x . x in y . x", "\"vvv\"");
    check_value(
        "let f (x:string) (y:string) = y . x",
        "f \"1\" \"2\"",
        "\"21\"",
    );
    check_value(
        "let f (x:string) (y:string) = y . x",
        "f \"1\"",
        "<function>",
    );
    check_value("let x = \"outer\"", "let x = \"inner\" in x", "\"inner\"");
    check_value("", "gensym \"lbl\"", "\"lbl0\"");
    check_value("", "Sys.getenv \"AUG_RS_SURELY_UNSET\"", "\"\"");
    check_value("", "regexp_match /[a-z]+/ \"abc1\"", "\"abc\"");
    check_value("", "incl \"/etc/a\" . excl \"*.bak\"", "<filter>");
    check_value("", "get [ key /[a-z]+/ ] \"ab\"", "{ \"ab\" }");
    check_value(
        "",
        "set \"a/b\" \"v\" (get [ key /[a-z]+/ ] \"ab\")",
        "{ \"ab\" }\n{ \"a\"\n  { \"b\" = \"v\" }\n}",
    );
    check_value(
        "let t = { \"x\" }",
        "put [ key /[a-z]+/ ]* t \"ab\"",
        "\"x\"",
    );
}

#[test]
fn string_to_regexp_coercion() {
    // Only `.|{}[]()+*?` are escaped: a backslash still escapes (`"\\/"` is `/`).
    check_tests("test [ key \"a.b\" ] get \"a.b\" = { \"a.b\" }", 1, 0);
    check_tests("test [ key \"a.b\" ] get \"axb\" = *", 1, 0);
    check_tests("test [ key \"a\\/b\" ] get \"a/b\" = { \"a/b\" }", 1, 0);
    check_tests("test [ key \"a\\\\b\" ] get \"ab\" = { \"ab\" }", 1, 0);
    check_tests(
        "let f (r:regexp) = [ key r ]\ntest (f \"(x)\") get \"(x)\" = { \"(x)\" }",
        1,
        0,
    );
}

#[test]
fn recursive_lenses() {
    let run = |decls: &str| {
        let interp = Interpreter::new(vec![], Options::default());
        let r = interp
            .run_source("t.aug", &format!("module T =\n{decls}\n"))
            .unwrap();
        (r.passed, r.failed, r.output)
    };
    let nest = "let rec l = [ key /[a-z]/ . del \"(\" \"(\" . l* . del \")\" \")\" ]";
    let (p, f, out) = run(&format!(
        "{nest}\ntest l get \"a(b(c()d()))\" = {{ \"a\" {{ \"b\" {{ \"c\" }} {{ \"d\" }} }} }}"
    ));
    assert_eq!((p, f), (1, 0), "{out}");
    // Any depth up to the nesting limit, in both directions.
    let deep = |n: usize| {
        let mut s = String::new();
        for _ in 0..n {
            s.push_str("a(");
        }
        s.push_str(&")".repeat(n));
        s
    };
    let d40 = deep(40);
    let after = format!("a(a(a({}b())))", deep(37));
    let (p, f, out) = run(&format!(
        "{nest}\ntest l put \"{d40}\" after set \"a/a/a/b\" \"\" = \"{after}\""
    ));
    assert_eq!((p, f), (1, 0), "{out}");
    // Unbalanced text, and nesting beyond the limit, are rejected (not a stack overflow).
    let (p, f, out) = run(&format!(
        "{nest}\ntest l get \"a(b(\" = *\ntest l get \"{}\" = *",
        deep(2000)
    ));
    assert_eq!((p, f), (2, 0), "{out}");
    // Recursion at the lens's own tree level: its tree language is approximated, as C
    // does.
    let (p, f, out) = run("let rec l = [ key /a/ ] . l?\ntest l get \"aa\" = { \"a\" } { \"a\" }");
    assert_eq!((p, f), (1, 0), "{out}");
}

#[test]
fn eval_errors() {
    check_eval_error("nope", ErrorKind::Type, "t.aug:2:10: unbound name 'nope'");
    check_eval_error(
        "\"a\" . key /b/",
        ErrorKind::Type,
        "t.aug:2:14: type error: cannot apply Concat to a string and a lens",
    );
    check_eval_error(
        "store /a/ . store /b/",
        ErrorKind::Exception,
        "t.aug:2:20: Multiple stores in concat",
    );
    check_eval_error(
        "(key /a/)*",
        ErrorKind::Exception,
        "t.aug:2:19: Multiple keys/labels in iteration",
    );
    check_eval_error(
        "label \"a\" \"b\"",
        ErrorKind::Type,
        "t.aug:2:20: type error: a lens is not a function",
    );
    check_eval_error(
        "del /a/ \"b\"",
        ErrorKind::Exception,
        "t.aug:2:18: del: the default value 'b' does not match /a/",
    );
    check_eval_error(
        "/a**/",
        ErrorKind::Type,
        "t.aug:2:10: invalid regexp /a**/ at byte 2: invalid preceding regular expression",
    );
}

#[test]
fn tests_in_modules() {
    let kv = "let kv = [ key /[a-z]+/ . del /[ \\t]*=[ \\t]*/ \"=\" . store /[0-9]+/ . del \"\\n\" \"\\n\" ]*";
    check_tests(
        &format!("{kv}\ntest kv get \"a = 1\\n\" = {{ \"a\" = \"1\" }}"),
        1,
        0,
    );
    check_tests(
        &format!("{kv}\ntest kv get \"a = 1\\n\" = {{ \"a\" = \"2\" }}"),
        0,
        1,
    );
    check_tests(&format!("{kv}\ntest kv get \"a = x\\n\" = *"), 1, 0);
    check_tests(&format!("{kv}\ntest kv get \"a = 1\\n\" = *"), 0, 1);
    check_tests(&format!("{kv}\ntest kv get \"a = 1\\n\" = ?"), 1, 0);
    check_tests(
        &format!("{kv}\ntest kv put \"a = 1\\n\" after set \"b\" \"2\" = \"a = 1\\nb=2\\n\""),
        1,
        0,
    );
    check_tests(
        &format!("{kv}\ntest kv put \"a = 1\\n\" after set \"a\" \"x\" = *"),
        1,
        0,
    );
    check_tests(
        &format!(
            "{kv}\ntest kv put \"a=1\\nb=2\\n\" after rm \"a\" ; insa \"c\" \"b\" ; set \"c\" \"3\" = \"b=2\\nc=3\\n\""
        ),
        1,
        0,
    );
    check_tests(
        &format!(
            "{kv}\ntest kv put \"a=1\\n\" after insb \"z\" \"a\" ; set \"z\" \"0\" ; clear \"a\" = *"
        ),
        1,
        0,
    );
    // A broken binding only fails the tests that use it (lazy evaluation).
    check_tests(
        &format!(
            "{kv}\nlet bad = store /a/ . store /b/\ntest bad get \"ab\" = *\ntest kv get \"\" = ?"
        ),
        1,
        1,
    );
    check_tests(
        &format!("{kv}\nlet bad = store /a/ . store /b/\ntest kv get \"\" = ?"),
        1,
        0,
    );
    // A lens that fails to build fails its tests, even when a failure is expected.
    check_tests("let rec l = l\ntest l get \"a\" = *", 0, 1);
    // Sequential scope: a test sees only earlier bindings.
    check_tests("test l get \"a\" = ?\nlet l = [ key /a/ ]", 0, 1);
}

#[test]
fn tests_typecheck_their_lens() {
    // An overlapping union: augparse fails every test of such a lens (C fails the whole
    // module), even one that expects an exception; without the typecheck it reads.
    let overlap = "let l = [ key /allow|deny/ . del / / \" \" . store /bootp/ ]\n  | [ key /[a-z]+/ . del / / \" \" . store /[a-z]+/ ]";
    let run = |typecheck: bool, decls: &str| {
        let interp = Interpreter::new(
            vec![],
            Options {
                typecheck,
                ..Options::default()
            },
        );
        let r = interp
            .run_source("t.aug", &format!("module T =\n{decls}\n"))
            .unwrap();
        (r.passed, r.failed, r.output)
    };
    let tests = format!("{overlap}\ntest l get \"deny bootp\" = ?\ntest l get \"x\" = *");
    let (p, f, out) = run(true, &tests);
    assert_eq!((p, f), (0, 2), "{out}");
    assert!(
        out.contains("typecheck failed: overlapping lenses in union.get: both accept 'deny bootp'"),
        "{out}"
    );
    assert_eq!(run(false, &tests).0, 2);
    // An ambiguous concatenation, with its witness.
    let (_, f, out) = run(
        true,
        "let l = [ key /a|ab/ . del /b?c/ \"c\" ]\ntest l get \"abc\" = ?",
    );
    assert_eq!(f, 1, "{out}");
    assert!(out.contains("ambiguous concatenation"), "{out}");
    // A recursive lens built from a union that holds its own base case twice once
    // flattened (`s | (block | s)`), as Dhcpd's: not an overlap C reports, nor do we.
    let (p, f, out) = run(
        true,
        "let s = [ key /[a-z]+/ . del /;/ \";\" ]\nlet block (body:lens) = [ key /[A-Z]+/ . del /[{]/ \"{\" . body* . del /[}]/ \"}\" ] | s\nlet rec l = s | block l\nlet ls = l*\ntest ls get \"A{b;C{d;}}e;\" = ?",
    );
    assert_eq!((p, f), (1, 0), "{out}");
}
