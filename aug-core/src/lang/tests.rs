//! Unit tests of the lens-language lexer, parser and evaluator, one case per line.

use super::lexer::{Tok, lex};
use super::parser::parse_expr;
use super::{Interpreter, Options};

#[test]
fn placeholder() {
    let _ = (
        lex("t", "x"),
        parse_expr("t", "x"),
        Interpreter::new(vec![], Options::default()),
        Tok::Eof,
    );
}
