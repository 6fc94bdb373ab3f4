//! The recursive-descent parser of the `.aug` lens language, from tokens to the AST in
//! `ast`. Operator precedence, loosest first: `let … in`, `;`, `|`, `-`, `.`,
//! application by juxtaposition, postfix `* + ?`.
//!
//! Nesting is bounded: an expression tree, a type or a tree literal deeper than
//! [`MAX_DEPTH`] is a syntax error, and the recursion runs on a stack that grows on
//! demand, so hostile input cannot overflow the stack (here, in the evaluator, or when
//! the syntax tree is dropped).

use super::LangError;
use super::ast::{
    BinOp, Binding, Decl, Expect, Expr, ExprKind, Loc, ModuleAst, Param, PostOp, Test, TestKind,
    TreeLit, Type,
};
use super::lexer::{Tok, Token, lex_ranges};
use crate::error::Span;
use std::rc::Rc;

/// How deeply expressions (counting each operator, application and `let … in`), types and
/// tree literals may nest. Augeas's own modules stay below 100; C Augeas's bison parser
/// gives up at 10,000.
pub(crate) const MAX_DEPTH: u32 = 1000;

/// Red zone and growth of the stack for the recursive parser and evaluator.
pub(crate) const RED_ZONE: usize = 128 * 1024;
pub(crate) const GROW: usize = 4 << 20;

/// Parses a whole module file.
pub(crate) fn parse_module(file: &str, src: &str) -> Result<ModuleAst, LangError> {
    let toks = lex_ranges(file, src)?;
    let mut p = Parser {
        file,
        toks,
        pos: 0,
        nesting: 0,
        last_end: Span::default(),
    };
    p.module()
}

/// Parses a single expression (used by tests and tools).
#[cfg(test)]
pub(crate) fn parse_expr(file: &str, src: &str) -> Result<Expr, LangError> {
    let toks = lex_ranges(file, src)?;
    let mut p = Parser {
        file,
        toks,
        pos: 0,
        nesting: 0,
        last_end: Span::default(),
    };
    let e = p.expr()?;
    p.expect(&Tok::Eof)?;
    Ok(e)
}

struct Parser<'a> {
    file: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// Just past the last token consumed: where the construct being parsed ends.
    last_end: Span,
    /// How many nested parentheses, brackets, `let … in`, types and tree literals the
    /// parser is inside.
    nesting: u32,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn span(&self) -> Span {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map_or_else(Span::default, |t| t.start)
    }

    /// Where Augeas's position of a construct starting at the next token begins (see
    /// [`Token::glued`]).
    fn start(&self) -> Span {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map_or_else(Span::default, |t| t.glued)
    }

    fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if let Some(tok) = self.toks.get(self.pos) {
            self.last_end = tok.end;
            self.pos += 1;
        }
        t
    }

    fn err(&self, message: impl Into<String>) -> LangError {
        LangError::new(self.file, self.span(), message)
    }

    fn too_deep(&self) -> LangError {
        self.err(format!(
            "syntax error: expression nested too deeply (more than {MAX_DEPTH} levels)"
        ))
    }

    /// Runs `f` one nesting level deeper, on a stack that grows on demand.
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, LangError>,
    ) -> Result<T, LangError> {
        if self.nesting >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.nesting += 1;
        let r = stacker::maybe_grow(RED_ZONE, GROW, || f(self));
        self.nesting -= 1;
        r
    }

    /// An expression node, refused when its tree would be deeper than [`MAX_DEPTH`].
    fn node(&self, span: Span, start: Span, kind: ExprKind) -> Result<Expr, LangError> {
        let below = match &kind {
            ExprKind::Subtree(e) | ExprKind::Postfix(_, e) => e.depth,
            ExprKind::Apply(a, b) | ExprKind::Binary(_, a, b) => a.depth.max(b.depth),
            ExprKind::LetIn(b, e) => b.body.depth.max(e.depth),
            ExprKind::Ident(_)
            | ExprKind::Qualified(..)
            | ExprKind::Str(_)
            | ExprKind::Regexp(..)
            | ExprKind::Unit
            | ExprKind::Tree(_) => 0,
        };
        if below >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(Expr {
            span,
            loc: Loc::new(start, self.last_end),
            kind,
            depth: below + 1,
        })
    }

    fn unexpected(&self, what: &str) -> LangError {
        let e = self.err(format!(
            "syntax error: expected {what}, found {}",
            self.peek().describe()
        ));
        self.bison(e, None)
    }

    /// `e` with Augeas's report: bison's words, at the unexpected token, with the one
    /// token expected when the parser knows it.
    fn bison(&self, mut e: LangError, expecting: Option<&Tok>) -> LangError {
        let tok = self.toks.get(self.pos).or_else(|| self.toks.last());
        let loc = tok.map_or_else(Loc::default, |t| Loc::new(t.glued, t.end));
        let expecting =
            expecting.map_or_else(String::new, |t| format!(", expecting {}", t.bison_name()));
        e.report = vec![
            format!(
                "{}:{loc}:syntax error, unexpected {}{expecting}",
                self.file,
                self.peek().bison_name()
            ),
            format!("{}:syntax error", self.file),
        ];
        e
    }

    fn expect(&mut self, t: &Tok) -> Result<(), LangError> {
        if self.peek() == t {
            self.bump();
            Ok(())
        } else {
            let e = self.err(format!(
                "syntax error: expected {}, found {}",
                t.describe(),
                self.peek().describe()
            ));
            Err(self.bison(e, Some(t)))
        }
    }

    fn module(&mut self) -> Result<ModuleAst, LangError> {
        let start = self.start();
        self.expect(&Tok::Module)?;
        let header = Loc::new(start, self.last_end);
        let name = match self.bump() {
            Tok::Uid(n) => n,
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.unexpected("a module name"));
            }
        };
        self.expect(&Tok::Eq)?;
        let mut autoload = None;
        if self.peek() == &Tok::Autoload {
            self.bump();
            match self.bump() {
                Tok::Lid(x) => autoload = Some(x),
                Tok::Qid(m, x) => autoload = Some(format!("{m}.{x}")),
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.unexpected("a transform name"));
                }
            }
        }
        let mut decls = Vec::new();
        loop {
            match self.peek() {
                Tok::Eof => break,
                Tok::Let | Tok::LetRec => decls.push(Decl::Let(Rc::new(self.binding()?))),
                Tok::Test => decls.push(Decl::Test(Box::new(self.test()?))),
                _ => return Err(self.unexpected("'let' or 'test'")),
            }
        }
        Ok(ModuleAst {
            name,
            header,
            autoload,
            decls,
        })
    }

    /// `let [rec] name (p:T)… = exp`, without a trailing `in`.
    fn binding(&mut self) -> Result<Binding, LangError> {
        let start = self.start();
        let recursive = self.bump() == Tok::LetRec;
        let span = self.span();
        let name = match self.bump() {
            Tok::Lid(n) => n,
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.unexpected("a name"));
            }
        };
        let mut params = Vec::new();
        // `let rec` takes no parameters in Augeas's grammar.
        while self.peek() == &Tok::LParen && !recursive {
            self.bump();
            let pname = match self.bump() {
                Tok::Lid(n) => n,
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.unexpected("a parameter name"));
                }
            };
            self.expect(&Tok::Colon)?;
            let ty = self.ty()?;
            self.expect(&Tok::RParen)?;
            params.push(Param { name: pname, ty });
        }
        self.expect(&Tok::Eq)?;
        let body = self.expr()?;
        Ok(Binding {
            name,
            span,
            loc: Loc::new(start, self.last_end),
            params,
            body: Rc::new(body),
            recursive,
        })
    }

    fn ty(&mut self) -> Result<Type, LangError> {
        let base = match self.bump() {
            Tok::Lid(n) => match n.as_str() {
                "string" => Type::String,
                "regexp" => Type::Regexp,
                "lens" => Type::Lens,
                "tree" => Type::Tree,
                "filter" => Type::Filter,
                "transform" => Type::Transform,
                "unit" => Type::Unit,
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.err(format!("unknown type '{n}'")));
                }
            },
            Tok::LParen => {
                let t = self.nested(Self::ty)?;
                self.expect(&Tok::RParen)?;
                t
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.unexpected("a type"));
            }
        };
        if self.peek() == &Tok::Arrow {
            self.bump();
            let rest = self.nested(Self::ty)?;
            return Ok(Type::Arrow(Box::new(base), Box::new(rest)));
        }
        Ok(base)
    }

    fn test(&mut self) -> Result<Test, LangError> {
        let span = self.span();
        let start = self.start();
        self.expect(&Tok::Test)?;
        let lens = self.aexp()?;
        let kind = match self.bump() {
            Tok::Lid(k) if k == "get" => {
                let input = self.expr()?;
                TestKind::Get { lens, input }
            }
            Tok::Lid(k) if k == "put" => {
                let input = self.aexp()?;
                self.expect(&Tok::After)?;
                let commands = self.expr()?;
                TestKind::Put {
                    lens,
                    input,
                    commands,
                }
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.unexpected("'get' or 'put'"));
            }
        };
        self.expect(&Tok::Eq)?;
        let expect = match self.peek() {
            Tok::Question => {
                self.bump();
                Expect::Print
            }
            Tok::Star => {
                self.bump();
                Expect::Failure
            }
            _ => Expect::Value(self.expr()?),
        };
        Ok(Test {
            span,
            loc: Loc::new(start, self.last_end),
            kind,
            expect,
        })
    }

    /// A full expression: `let … in` or a composition.
    fn expr(&mut self) -> Result<Expr, LangError> {
        // As in Augeas's grammar, `let rec` is a declaration only.
        if self.peek() == &Tok::LetRec {
            let e = self.err("syntax error: unexpected 'let rec' in an expression");
            return Err(self.bison(e, None));
        }
        if matches!(self.peek(), Tok::Let | Tok::LetRec) {
            return self.nested(|p| {
                let (span, start) = (p.span(), p.start());
                let b = p.binding()?;
                p.expect(&Tok::In)?;
                let body = p.expr()?;
                p.node(span, start, ExprKind::LetIn(Rc::new(b), Box::new(body)))
            });
        }
        self.binary(0)
    }

    /// Binary operators by level: 0 `;`, 1 `|`, 2 `-`, 3 `.`, all left-associative.
    fn binary(&mut self, level: u8) -> Result<Expr, LangError> {
        if level > 3 {
            return self.app();
        }
        let (tok, op) = match level {
            0 => (Tok::Semi, BinOp::Compose),
            1 => (Tok::Bar, BinOp::Union),
            2 => (Tok::Minus, BinOp::Minus),
            _ => (Tok::Dot, BinOp::Concat),
        };
        let start = self.start();
        let mut lhs = self.binary(level + 1)?;
        while self.peek() == &tok {
            let span = self.span();
            self.bump();
            // The right side of `;` may be a `let … in`.
            let rhs = if level == 0 && matches!(self.peek(), Tok::Let | Tok::LetRec) {
                self.expr()?
            } else {
                self.binary(level + 1)?
            };
            lhs = self.node(
                span,
                start,
                ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
            )?;
        }
        Ok(lhs)
    }

    fn starts_aexp(&self) -> bool {
        matches!(
            self.peek(),
            Tok::Lid(_) | Tok::Qid(..) | Tok::Str(_) | Tok::Re(..) | Tok::LParen | Tok::LBracket
        )
    }

    /// Application by juxtaposition; a tree literal stands alone.
    fn app(&mut self) -> Result<Expr, LangError> {
        if self.peek() == &Tok::LBrace {
            let (span, start) = (self.span(), self.start());
            let mut trees = Vec::new();
            while self.peek() == &Tok::LBrace {
                trees.push(self.nested(Self::tree_lit)?);
            }
            return self.node(span, start, ExprKind::Tree(Rc::new(trees)));
        }
        let start = self.start();
        let mut f = self.rexp()?;
        while self.starts_aexp() {
            let span = self.span();
            let arg = self.rexp()?;
            f = self.node(span, start, ExprKind::Apply(Box::new(f), Box::new(arg)))?;
        }
        Ok(f)
    }

    /// An atom with an optional postfix operator.
    fn rexp(&mut self) -> Result<Expr, LangError> {
        let start = self.start();
        let e = self.aexp()?;
        let op = match self.peek() {
            Tok::Star => PostOp::Star,
            Tok::Plus => PostOp::Plus,
            Tok::Question => PostOp::Opt,
            _ => return Ok(e),
        };
        let span = self.span();
        self.bump();
        self.node(span, start, ExprKind::Postfix(op, Box::new(e)))
    }

    fn aexp(&mut self) -> Result<Expr, LangError> {
        let (span, start) = (self.span(), self.start());
        let kind = match self.bump() {
            Tok::Lid(n) => ExprKind::Ident(n),
            Tok::Qid(m, n) => ExprKind::Qualified(m, n),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Re(r, i) => ExprKind::Regexp(r, i),
            Tok::LParen => {
                if self.peek() == &Tok::RParen {
                    self.bump();
                    ExprKind::Unit
                } else {
                    let e = self.nested(Self::expr)?;
                    self.expect(&Tok::RParen)?;
                    return Ok(e);
                }
            }
            Tok::LBracket => {
                let e = self.nested(Self::expr)?;
                self.expect(&Tok::RBracket)?;
                ExprKind::Subtree(Box::new(e))
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                return Err(self.unexpected("an expression"));
            }
        };
        self.node(span, start, kind)
    }

    /// `{ "label" = "value" { … } … }` or `{}`.
    fn tree_lit(&mut self) -> Result<TreeLit, LangError> {
        self.expect(&Tok::LBrace)?;
        let label = match self.peek() {
            Tok::Str(s) => {
                let s = s.clone();
                self.bump();
                Some(s)
            }
            _ => None,
        };
        let value = if self.peek() == &Tok::Eq {
            self.bump();
            match self.bump() {
                Tok::Str(s) => Some(s),
                _ => {
                    self.pos = self.pos.saturating_sub(1);
                    return Err(self.unexpected("a string value"));
                }
            }
        } else {
            None
        };
        let mut children = Vec::new();
        while self.peek() == &Tok::LBrace {
            children.push(self.nested(Self::tree_lit)?);
        }
        self.expect(&Tok::RBrace)?;
        Ok(TreeLit {
            label,
            value,
            children,
        })
    }
}
