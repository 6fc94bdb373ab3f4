//! Tests of `aug_core::rx`: the regexp dialect, matching, set operations and ambiguity.
//!
//! Cases marked "augparse" were confirmed with Augeas 1.14 (`[ key r ]*` probes).

// The check helpers and the proptest bodies are test code outside `#[test]` functions.
#![allow(clippy::unwrap_used)]

use aug_core::rx::{Regex, RxError};
use proptest::prelude::*;

fn re(p: &str) -> Regex {
    Regex::parse(p, false).unwrap()
}

#[track_caller]
fn check_match(pattern: &str, text: &str, expected: bool) {
    let r = re(pattern);
    assert_eq!(
        r.is_match(text.as_bytes()),
        expected,
        "/{pattern}/ on {text:?}"
    );
}

#[track_caller]
fn check_nocase(pattern: &str, text: &str, expected: bool) {
    let r = Regex::parse(pattern, true).unwrap();
    assert_eq!(
        r.is_match(text.as_bytes()),
        expected,
        "/{pattern}/i on {text:?}"
    );
}

#[track_caller]
fn check_error(pattern: &str, pos: usize, message: &str) {
    match Regex::parse(pattern, false) {
        Err(RxError::Syntax {
            pos: p, message: m, ..
        }) => {
            assert_eq!((p, m), (pos, message), "/{pattern}/")
        }
        other => panic!("/{pattern}/: expected an error, got {other:?}"),
    }
}

#[track_caller]
fn check_longest(pattern: &str, text: &str, start: usize, expected: Option<usize>) {
    let got = re(pattern).longest_match(text.as_bytes(), start, text.len());
    assert_eq!(got, expected, "/{pattern}/ on {text:?} from {start}");
}

#[track_caller]
fn check_ends(pattern: &str, text: &str, start: usize, end: usize, expected: &[usize]) {
    let got = re(pattern).match_ends(text.as_bytes(), start, end);
    assert_eq!(
        got, expected,
        "/{pattern}/ ends on {text:?}[{start}..{end}]"
    );
}

#[track_caller]
fn check_starts(pattern: &str, text: &str, start: usize, end: usize, expected: &[usize]) {
    let got = re(pattern).match_starts(text.as_bytes(), start, end);
    assert_eq!(
        got, expected,
        "/{pattern}/ starts on {text:?}[{start}..{end}]"
    );
}

#[track_caller]
fn check_display(r: &Regex, expected: &str) {
    assert_eq!(r.to_string(), expected);
}

#[test]
fn dialect() {
    check_match("a|ab", "ab", true);
    check_match("abc", "abc", true);
    check_match("abc", "ab", false);
    check_match("a*", "", true);
    check_match("a+", "", false);
    check_match("a+", "aaa", true);
    check_match("ab?c", "ac", true);
    check_match("a{2}", "aa", true); // augparse
    check_match("a{2}", "aaa", false);
    check_match("a{2,}", "aaaa", true);
    check_match("a{2,}", "a", false);
    check_match("a{1,2}", "aa", true);
    check_match("a{1,2}", "aaa", false);
    check_match("a{0}", "", true); // augparse
    check_match("a{0}", "a", false);
    check_match("()a", "a", true); // augparse
    check_match("()", "", true);
    check_match("(|a)b", "b", true); // augparse
    check_match("(|a)b", "ab", true);
    check_match("a|", "", true); // augparse: `a|` compiles
    check_match("a*?", "aa", true); // augparse: `?` after a repetition is allowed
    check_match("a{2}?", "", true);
    check_match("(ab)*c", "ababc", true);
    check_match("(a|b)*", "abba", true);
}

#[test]
fn dialect_quirks() {
    check_match(".", "\n", false); // augparse
    check_match(".", "x", true);
    check_match(".", "\u{e9}", false); // two bytes
    check_match("..", "\u{e9}", true);
    check_match("[^a]", "\n", true); // augparse
    check_match("[^a]", "a", false);
    check_match("[]a]", "]", true); // augparse
    check_match("[^]a]", "]", false);
    check_match("[a[]", "[", true); // augparse
    check_match("[\\]", "\\", true); // augparse: backslash is literal in brackets
    check_match("[a\\]]", "a]", true); // augparse: the bracket ends at the first `]`
    check_match("[a\\]]", "]", false);
    check_match("[a-]", "-", true); // augparse
    check_match("[-a]", "-", true); // augparse
    check_match("[%--]", ",", true); // augparse
    check_match("[a-c]", "b", true);
    check_match("[a-c]", "d", false);
    check_match("a\\d", "ad", true); // augparse
    check_match("a\\.b", "a.b", true); // augparse
    check_match("a\\.b", "axb", false); // augparse
    check_match("a\\nb", "anb", true); // augparse: `\n` in the pattern is `n`
    check_match("a\\nb", "a\nb", false);
    check_match("a\nb", "a\nb", true); // a real newline byte, as the .aug lexer produces
    check_match("a\\*", "a*", true);
    check_match("a}", "a}", true); // augparse
    check_match("a*+", "aa", true); // augparse; sudoers.aug uses `*+`
    check_match("a?+", "", true); // augparse
    check_match("a{2}+", "aaaa", true); // augparse
    check_match("$a", "$a", true); // augparse
    check_match("a^", "a^", true); // augparse
    // GNU's line anchors: `^` at the start of a pattern or group or after `|`, `$` at the
    // end or before `)` or `|`. Matching reads them as the empty word; libfa (the
    // typechecker, set operations) as literal bytes.
    check_match("^a$", "a", true);
    check_match("^a$", "^a$", false);
    check_match("x(^a|b$)y", "xay", true);
    check_match("[#;].*$", "# note", true); // sip_conf's title comment
    check_match("a$b", "a$b", true); // not at the end: literal
    let anchored = re("^end$");
    assert!(anchored.is_match_literal(b"^end$"));
    assert!(!anchored.is_match_literal(b"end"));
    // semanage: `record_re - /^end$/` removes nothing but the literal word, as in C.
    let minus = re("[a-z^$]+").minus(&anchored).unwrap();
    assert!(minus.is_match(b"end"));
    assert!(!minus.is_match(b"^end$"));
}

#[test]
fn syntax_errors() {
    check_error("a**", 2, "invalid preceding regular expression"); // augparse
    check_error("a?*", 2, "invalid preceding regular expression"); // augparse
    check_error("a*{2}", 2, "invalid preceding regular expression"); // augparse
    check_error("a+*", 2, "invalid preceding regular expression"); // augparse
    check_error("*a", 0, "invalid preceding regular expression"); // augparse
    check_error("a|*b", 2, "invalid preceding regular expression"); // augparse
    check_error("(*b)", 1, "invalid preceding regular expression"); // augparse
    check_error("[z-a]", 2, "invalid range end"); // augparse
    check_error("[a-c-e]", 4, "invalid range end"); // augparse
    check_error("(a", 0, "unmatched ( or \\("); // augparse
    check_error("a)", 1, "unmatched ) or \\)"); // augparse
    check_error("[a", 0, "unmatched [, [^, [:, [., or [="); // augparse
    check_error("a{1", 1, "unmatched \\{"); // augparse
    check_error("a{", 1, "unmatched \\{"); // augparse
    check_error("a{3,2}", 1, "invalid content of \\{\\}"); // augparse
    check_error("a{}", 1, "invalid content of \\{\\}");
    check_error("a{,2}", 1, "invalid content of \\{\\}"); // augparse fails to load it
    check_error("a{1001}", 1, "repetition count too large");
    check_error("a\\", 1, "trailing backslash");
    let e = Regex::parse("(a", false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid regexp /(a/ at byte 0: unmatched ( or \\("
    );
}

#[test]
fn nocase() {
    check_nocase("ab", "AB", true); // augparse
    check_nocase("ab", "aB", true);
    check_nocase("[a-c]", "B", true); // augparse
    check_nocase("[A-C]", "b", true);
    check_nocase("[^a]", "A", false); // augparse
    check_nocase("[^a]", "b", true);
    check_nocase("[^A]", "a", false);
    check_nocase("x", "y", false);
    check_nocase("1", "1", true);
    check_match("ab", "AB", false);
}

#[test]
fn longest_match() {
    check_longest("a|ab", "abc", 0, Some(2));
    check_longest("a|ab|bc", "abc", 0, Some(2)); // augparse: greedy star takes `ab`
    check_longest("[a-z]*", "abc def", 0, Some(3));
    check_longest("[a-z]*", "abc def", 3, Some(3));
    check_longest("[a-z]+", "abc def", 3, None);
    check_longest("[a-z]+", "abc def", 4, Some(7));
    check_longest("a*b", "aaac", 0, None);
    check_longest("x", "", 0, None);
    let r = re("[a-z]+");
    assert_eq!(r.longest_match(b"abcdef", 1, 4), Some(4));
    assert_eq!(r.longest_match(b"abc", 2, 1), None);
    assert_eq!(r.longest_match(b"abc", 0, 10), None);
    assert!(r.matches_span(b"12ab34", 2, 4));
    assert!(!r.matches_span(b"12ab34", 1, 4));
}

#[test]
fn ends_and_starts() {
    check_ends("a*", "aab", 0, 3, &[0, 1, 2]);
    check_ends("(ab)*", "ababx", 0, 5, &[0, 2, 4]);
    check_ends("a|ab|abc", "abcd", 0, 4, &[1, 2, 3]);
    check_ends("b+", "abbb", 1, 3, &[2, 3]);
    check_starts("a*", "baa", 0, 3, &[1, 2, 3]);
    check_starts("(ab)*", "xabab", 0, 5, &[1, 3, 5]);
    check_starts("b|ab", "aab", 0, 3, &[1, 2]);
    check_starts("[a-z]+;", "x=ab;", 0, 5, &[2, 3]);
    check_starts("[a-z]+;", "x=ab;", 3, 5, &[3]);
}

#[test]
fn large_input_stops_at_dead_state() {
    // A line regexp on a huge file must stop at the first newline, not at the end.
    let mut text = b"key = value\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 5_000_000));
    let r = re("[^\n]*\n");
    let t = std::time::Instant::now();
    for _ in 0..10_000 {
        assert_eq!(r.longest_match(&text, 0, text.len()), Some(12));
    }
    assert!(t.elapsed().as_secs() < 5, "scans did not stop early");
    let r = re("[^\n]*");
    assert_eq!(r.match_starts(&text, 0, 12), vec![12]);
}

#[test]
fn combinators() {
    let (a, b) = (re("a"), re("b|c"));
    assert!(a.concat(&b).is_match(b"ac"));
    assert!(a.union(&b).is_match(b"c"));
    assert!(a.star().is_match(b"aaa") && a.star().is_match(b""));
    assert!(!a.plus().is_match(b"") && a.plus().is_match(b"aa"));
    assert!(a.opt().is_match(b"") && !a.opt().is_match(b"aa"));
    assert!(Regex::epsilon().is_match(b"") && !Regex::epsilon().is_match(b"a"));
    assert!(!Regex::never().is_match(b"") && Regex::never().is_empty());
    let lit = Regex::literal("a.b*");
    assert!(lit.is_match(b"a.b*") && !lit.is_match(b"axb"));
    assert!(Regex::literal("").is_match(b""));
    check_display(&lit, "a\\.b\\*");
    check_display(&re("[^:\r\n]+"), "[^:\\r\\n]+");
    check_display(&a.concat(&b), "(a)(b|c)");
    check_display(&a.union(&b).star(), "((a)|(b|c))*");
    check_display(&Regex::epsilon(), "()");
}

#[test]
fn restrict() {
    let r = re("[^\n]+").restrict();
    assert!(r.is_match(b"abc"));
    for bad in [b"a\x01".as_slice(), b"\x02", b"x\x03y", b"\x04"] {
        assert!(!r.is_match(bad), "{bad:?}");
    }
    assert!(r.is_match(b"\x05"));
    assert!(re("\x03").restrict().is_empty());
    assert!(re("a*").restrict().matches_empty());
}

#[test]
fn set_operations() {
    let word = re("[a-z]+");
    let ident = word.minus(&re("if|then")).unwrap();
    for (text, ok) in [
        ("if", false),
        ("then", false),
        ("iff", true),
        ("the", true),
        ("", false),
    ] {
        assert_eq!(ident.is_match(text.as_bytes()), ok, "{text}");
    }
    check_display(&ident, "([a-z]+)-(if|then)");
    // A set-operation result combines like any other regexp.
    let assign = ident.concat(&re("=[0-9]+"));
    assert!(assign.is_match(b"x=1") && !assign.is_match(b"if=1"));
    assert_eq!(assign.longest_match(b"abc=12;", 0, 7), Some(6));

    let both = re("[a-z]+").intersect(&re("abc|[0-9]x")).unwrap();
    assert!(both.is_match(b"abc") && !both.is_match(b"1x"));
    assert_eq!(both.example(), Some(b"abc".to_vec()));
    assert!(re("[a-z]+").intersect(&re("[0-9]+")).unwrap().is_empty());
    assert!(re("a").minus(&re("a|b")).unwrap().is_empty());

    assert!(re("a|b").equals(&re("[ab]")).unwrap());
    assert!(re("(a|b)*").equals(&re("(a*b*)*")).unwrap());
    assert!(!re("a*").equals(&re("a+")).unwrap());
    assert!(re("[a-z]+").contains(&re("abc")).unwrap());
    assert!(!re("abc").contains(&re("[a-z]+")).unwrap());
    assert!(
        Regex::parse("ab", true)
            .unwrap()
            .equals(&re("[aA][bB]"))
            .unwrap()
    );
}

#[test]
fn queries() {
    assert!(re("a*").matches_empty());
    assert!(!re("a+").matches_empty());
    assert!(!re("a+").is_empty());
    assert_eq!(re("a+b").example(), Some(b"ab".to_vec()));
    assert_eq!(re("x|yy|").example(), Some(Vec::new()));
    assert_eq!(re("[\x01-\x10]").example(), Some(vec![1]));
    assert_eq!(Regex::never().example(), None);
    let w = re("(a|b)c{3}").example().unwrap();
    assert!(w == b"accc" || w == b"bccc", "{w:?}");
}

#[test]
fn enumerate() {
    let words = |p: &str, limit| re(p).enumerate(limit).unwrap();
    let bytes = |ws: &[&str]| Some(ws.iter().map(|w| w.as_bytes().to_vec()).collect::<Vec<_>>());
    assert_eq!(words("a|bc|()", 10), bytes(&["", "a", "bc"]));
    assert_eq!(words("[xy]z", 10), bytes(&["xz", "yz"]));
    assert_eq!(words("[xy]z", 1), None);
    assert_eq!(words("a*", 10), None);
    assert_eq!(words("a{0,3}", 10), bytes(&["", "a", "aa", "aaa"]));
    assert_eq!(Regex::never().enumerate(10).unwrap(), Some(vec![]));
}

#[test]
fn state_limit() {
    // `(a|b)*a(a|b){20}` needs 2^21 DFA states: set operations refuse, matching works.
    let r = re("(a|b)*a(a|b){20}");
    assert!(matches!(r.minus(&re("a")), Err(RxError::TooComplex { .. })));
    let text: Vec<u8> = (0..2000)
        .map(|i| if i % 7 < 3 { b'a' } else { b'b' })
        .collect();
    let expected = text.len() > 21 && text[text.len() - 21] == b'a';
    assert_eq!(r.is_match(&text), expected);
}

#[test]
fn ambiguity() {
    let amb = |a: &str, b: &str| re(a).ambiguous_concat(&re(b)).unwrap();
    assert_eq!(amb("a", "b"), None);
    assert_eq!(amb("[a-z]+", "[0-9]+"), None);
    assert_eq!(amb("a|ab", "b|bc"), None); // `abc` splits only as `a|bc`
    let w = amb("a|ab", "c|bc").unwrap();
    assert_eq!(
        (w.u.as_slice(), w.p.as_slice(), w.v.as_slice()),
        (&b"a"[..], &b"b"[..], &b"c"[..])
    );
    assert_eq!(w.to_string(), "'abc' can be split into 'a|=bc' and 'ab|=c'");
    assert_eq!(amb("a*", "a"), None);
    assert!(amb("a*", "a*").is_some());
    assert_eq!(re("[a-z]+ ").ambiguous_iter().unwrap(), None);
    assert!(re("a|aa").ambiguous_iter().unwrap().is_some());
    assert!(re("a|ab|bc").ambiguous_iter().unwrap().is_none()); // augparse: unambiguous
    assert!(re("a{1,2}").ambiguous_iter().unwrap().is_some()); // augparse: ambiguous iteration
}

#[test]
fn send_sync_and_cheap_clone() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Regex>();
    let r = re("[a-z]+");
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let r = r.clone();
            std::thread::spawn(move || r.longest_match(format!("abc{i}").as_bytes(), 0, 4))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Some(3));
    }
}

/// A simple regexp, rendered in both Augeas's dialect and Rust's `regex` syntax.
fn simple_regex() -> impl Strategy<Value = (String, String)> {
    let leaf = prop_oneof![
        prop::sample::select(vec!['a', 'b', 'c', '.', '*']).prop_map(|c| match c {
            '.' => (".".to_owned(), "[^\\n]".to_owned()),
            '*' => ("\\*".to_owned(), "\\*".to_owned()),
            c => (c.to_string(), c.to_string()),
        }),
        Just(("[^a]".to_owned(), "[^a]".to_owned())),
        Just(("[]b]".to_owned(), "[\\]b]".to_owned())),
        Just(("[a-c]".to_owned(), "[a-c]".to_owned())),
        Just(("()".to_owned(), "(?:)".to_owned())),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| (a.0 + &b.0, a.1 + &b.1)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| (
                format!("({})|({})", a.0, b.0),
                format!("(?:{})|(?:{})", a.1, b.1)
            )),
            inner
                .clone()
                .prop_map(|a| (format!("({})*", a.0), format!("(?:{})*", a.1))),
            inner
                .clone()
                .prop_map(|a| (format!("({})+", a.0), format!("(?:{})+", a.1))),
            inner
                .clone()
                .prop_map(|a| (format!("({})?", a.0), format!("(?:{})?", a.1))),
            inner.prop_map(|a| (format!("({}){{1,2}}", a.0), format!("(?:{}){{1,2}}", a.1))),
        ]
    })
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(b"abc*]\n".to_vec()), 0..8)
}

proptest! {
    #[test]
    fn is_match_agrees_with_regex_crate((ours, theirs) in simple_regex(), texts in prop::collection::vec(text(), 8)) {
        let r = Regex::parse(&ours, false).unwrap();
        let oracle = regex::bytes::Regex::new(&format!("^(?:{theirs})$")).unwrap();
        for t in &texts {
            prop_assert_eq!(r.is_match(t), oracle.is_match(t), "/{}/ on {:?}", ours, t);
            let ends = r.match_ends(t, 0, t.len());
            let expected: Vec<usize> = (0..=t.len()).filter(|&p| oracle.is_match(&t[..p])).collect();
            prop_assert_eq!(&ends, &expected);
            let starts = r.match_starts(t, 0, t.len());
            let expected: Vec<usize> = (0..=t.len()).filter(|&p| oracle.is_match(&t[p..])).collect();
            prop_assert_eq!(&starts, &expected);
        }
    }

    #[test]
    fn minus_is_a_and_not_b((a, _) in simple_regex(), (b, _) in simple_regex(), texts in prop::collection::vec(text(), 16)) {
        let (ra, rb) = (Regex::parse(&a, false).unwrap(), Regex::parse(&b, false).unwrap());
        let diff = ra.minus(&rb).unwrap();
        let both = ra.intersect(&rb).unwrap();
        for t in &texts {
            prop_assert_eq!(diff.is_match(t), ra.is_match(t) && !rb.is_match(t));
            prop_assert_eq!(both.is_match(t), ra.is_match(t) && rb.is_match(t));
        }
        // A - B is empty exactly when B contains A.
        prop_assert_eq!(diff.is_empty(), rb.contains(&ra).unwrap());
        prop_assert_eq!(diff.is_empty(), diff.example().is_none());
        if let Some(w) = diff.example() {
            prop_assert!(ra.is_match(&w) && !rb.is_match(&w));
        }
    }
}
