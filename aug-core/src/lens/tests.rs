//! Unit tests of get and put on small lenses, checked against augparse's behaviour.

use super::*;
use crate::print::print_subtree;
use crate::tree::{NodeId, Tree};

fn kv_lens() -> Lens {
    subtree(
        concat(vec![
            key(rx("[a-z]+").unwrap()),
            del(rx("[ \t]+").unwrap(), " "),
            store(rx("[0-9]+").unwrap()),
            del(rx("\n").unwrap(), "\n"),
        ])
        .unwrap(),
    )
    .star()
    .unwrap()
}

fn load(lens: &Lens, text: &str) -> (Tree, NodeId) {
    let parsed = lens.get(text).unwrap();
    let mut t = Tree::new();
    let r = t.root();
    let f = t.append_child(r, Some("f"), None).unwrap();
    for (i, c) in parsed.children.into_iter().enumerate() {
        t.graft(f, i, c);
    }
    (t, f)
}

fn dump(t: &Tree, f: NodeId) -> String {
    let mut s = String::new();
    print_subtree(t, f, "/f", &mut s);
    s
}

#[track_caller]
fn check_put(lens: &Lens, text: &str, edit: impl FnOnce(&mut Tree, NodeId), expected: &str) {
    let (mut t, f) = load(lens, text);
    edit(&mut t, f);
    let out = lens.put(&t, f, text).unwrap();
    assert_eq!(out, expected);
    let (t2, f2) = load(lens, &out);
    assert_eq!(dump(&t2, f2), dump(&t, f), "PutGet");
}

fn child(t: &Tree, f: NodeId, label: &str, nth: usize) -> NodeId {
    t.children(f)
        .iter()
        .copied()
        .filter(|&c| t.label(c) == Some(label))
        .nth(nth)
        .unwrap()
}

#[test]
fn get_builds_the_tree() {
    let (t, f) = load(&kv_lens(), "a   1\nb\t2\n");
    assert_eq!(dump(&t, f), "/f\n/f/a = \"1\"\n/f/b = \"2\"\n");
}

#[test]
fn unchanged_put_is_identity() {
    check_put(&kv_lens(), "a   1\nb\t2\n", |_, _| {}, "a   1\nb\t2\n");
}

#[test]
fn new_node_uses_defaults() {
    check_put(
        &kv_lens(),
        "a   1\nb\t2\n",
        |t, f| {
            let a = child(t, f, "a", 0);
            let c = t.insert_sibling(a, Some("c"), false).unwrap();
            t.set_value(c, Some("3"));
        },
        "a   1\nc 3\nb\t2\n",
    );
}

#[test]
fn recreated_node_reuses_layout_by_label() {
    check_put(
        &kv_lens(),
        "a   1\nb\t2\n",
        |t, f| {
            let a = child(t, f, "a", 0);
            t.remove(a);
            let b = child(t, f, "b", 0);
            let a = t.insert_sibling(b, Some("a"), false).unwrap();
            t.set_value(a, Some("5"));
        },
        "b\t2\na   5\n",
    );
}

#[test]
fn skeletons_shift_by_label_order() {
    check_put(
        &kv_lens(),
        "x  1\nx\t\t2\n",
        |t, f| {
            let x1 = child(t, f, "x", 0);
            let n = t.insert_sibling(x1, Some("x"), true).unwrap();
            t.set_value(n, Some("0"));
        },
        "x  0\nx\t\t1\nx 2\n",
    );
}

#[test]
fn bad_value_fails_with_the_node_path() {
    let lens = kv_lens();
    let (mut t, f) = load(&lens, "a 1\n");
    let a = child(&t, f, "a", 0);
    t.set_value(a, Some("x"));
    let err = lens.put(&t, f, "a 1\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "/f/a: Value 'x' does not match regexp /[0-9]+/ in store lens"
    );
}

#[test]
fn greedy_iteration_is_like_augeas() {
    // [ key /a|ab|bc/ ]* on "abc" fails in C Augeas: greedy takes "ab" and leaves "c".
    let l = subtree(key(rx("a|ab|bc").unwrap())).star().unwrap();
    let err = l.get("abc").unwrap_err();
    assert_eq!(err.message, "Iterated lens matched less than it should");
    // As C: where the parts of the body stop matching, and a key that does not match at
    // all counts as -1 (C's `try_match`): one byte before the iteration's end.
    assert_eq!((err.span.offset, err.span.to_string().as_str()), (1, "1:2"));
    // The key of the second entry matches, the separator after it does not.
    let err = kv_lens().get("a 1\nb\n").unwrap_err();
    assert_eq!(err.span.to_string(), "2:2");
    let parts = err.parts.as_deref().unwrap();
    assert!(parts.next.is_some() && parts.last.is_some(), "{err:?}");
}

#[test]
fn seq_numbers_records() {
    let rec = subtree(
        concat(vec![
            seq("r"),
            store(rx("[a-z]+").unwrap()),
            del(rx("\n").unwrap(), "\n"),
        ])
        .unwrap(),
    );
    let empty = subtree(del(rx("\n").unwrap(), "\n"));
    let l = union(vec![rec, empty]).unwrap().star().unwrap();
    let (t, f) = load(&l, "a\n\nb\n");
    assert_eq!(dump(&t, f), "/f\n/f/1 = \"a\"\n/f/2 = \"b\"\n");
}

#[test]
fn square_checks_matching_ends_and_writes_label() {
    let l = square(
        key(rx("[a-z]+").unwrap()),
        concat(vec![
            del(rx(">").unwrap(), ">"),
            store(rx("[0-9]+").unwrap()),
            del(rx("</").unwrap(), "</"),
        ])
        .unwrap(),
        del(rx("[a-z]+").unwrap(), "x"),
    )
    .unwrap();
    let l = subtree(
        concat(vec![
            del(rx("<").unwrap(), "<"),
            l,
            del(rx(">\n").unwrap(), ">\n"),
        ])
        .unwrap(),
    )
    .star()
    .unwrap();
    assert!(l.get("<a>1</b>\n").is_err());
    check_put(
        &l,
        "<a>1</a>\n",
        |t, f| {
            let a = child(t, f, "a", 0);
            t.set_label(a, Some("zz"));
        },
        "<zz>1</zz>\n",
    );
}

#[test]
fn optional_store_puts_a_node_without_value() {
    // [ label "name" . (store /[a-z]+/)? . del /:/ ":" ]*: a node with a NULL value is
    // written back with an empty field (C Augeas's passwd GECOS), not rejected.
    let l = subtree(
        concat(vec![
            label("name"),
            store(rx("[a-z]+").unwrap()).opt(),
            del(rx(":").unwrap(), ":"),
        ])
        .unwrap(),
    )
    .star()
    .unwrap();
    check_put(&l, "a::", |_, _| {}, "a::");
    check_put(
        &l,
        "a::",
        |t, f| {
            let n = child(t, f, "name", 0);
            t.set_value(n, None);
        },
        "::",
    );
}

/// `[ key . (del . store)? ]` on a node without a value: the optional part is skipped
/// (augparse: `ro x=y` plus `set /z q` gives `ro x=y z=q`).
#[test]
fn r8_subtree_with_optional_value_and_null_value() {
    let arg = || {
        subtree(
            concat(vec![
                key(rx("[a-z]+").unwrap()),
                concat(vec![
                    del(rx("=").unwrap(), "="),
                    store(rx("[a-z]*").unwrap()),
                ])
                .unwrap()
                .opt(),
            ])
            .unwrap(),
        )
    };
    let lens = concat(vec![
        arg(),
        concat(vec![del(rx(" ").unwrap(), " "), arg()])
            .unwrap()
            .star()
            .unwrap(),
    ])
    .unwrap();
    check_put(
        &lens,
        "ro x=y",
        |t, f| {
            let z = t.append_child(f, Some("z"), None).unwrap();
            t.set_value(z, Some("q"));
        },
        "ro x=y z=q",
    );
}

/// A square with optional quotes only takes texts whose two ends are equal, so a union
/// falls through to the next alternative (augparse on IniFile's ticket #243:
/// `"a;b"` is one quoted value, not `"a` followed by a `;b"` comment).
#[test]
fn r8_square_text_language_has_equal_ends() {
    let q = || del(rx("\"?").unwrap(), "");
    let bare = subtree(
        concat(vec![
            label("v"),
            square(q(), store(rx("[a-z]+").unwrap()), q()).unwrap(),
            subtree(
                concat(vec![
                    label("c"),
                    del(rx(";").unwrap(), ";"),
                    store(rx(".*").unwrap()),
                ])
                .unwrap(),
            )
            .opt(),
        ])
        .unwrap(),
    );
    let quoted = subtree(
        concat(vec![
            label("q"),
            square(
                del(rx("\"").unwrap(), "\""),
                store(rx("[a-z;]+").unwrap()),
                del(rx("\"").unwrap(), "\""),
            )
            .unwrap(),
        ])
        .unwrap(),
    );
    let lens = union(vec![bare, quoted]).unwrap();
    let (t, f) = load(&lens, "\"a;b\"");
    assert_eq!(dump(&t, f), "/f\n/f/q = \"a;b\"\n");
    let (t, f) = load(&lens, "\"a\";b");
    assert_eq!(dump(&t, f), "/f\n/f/v = \"a\"\n/f/v/c = \"b\"\n");
}

/// Square compares its two ends case-insensitively when one is written with `/…/i`
/// (augparse on Httpd: `<IfModule x>…</ifModule>`).
#[test]
fn r8_square_nocase_ends() {
    let sq = |nocase: bool| {
        let pat = if nocase { "[a-z]+" } else { "[a-zA-Z]+" };
        let re = || Regex::parse(pat, nocase).unwrap();
        subtree(square(key(re()), del(rx("-").unwrap(), "-"), del(re(), "x")).unwrap())
    };
    let (t, f) = load(&sq(true), "Ab-aB");
    assert_eq!(dump(&t, f), "/f\n/f/Ab\n");
    // Httpd's key is `/[a-z][a-z0-9._-]*/i - /perl/i`.
    let minus = Regex::parse("[a-z]+", true)
        .unwrap()
        .minus(&Regex::parse("perl", true).unwrap())
        .unwrap();
    let l = subtree(
        square(
            key(minus.clone()),
            del(rx("-").unwrap(), "-"),
            del(minus, "x"),
        )
        .unwrap(),
    );
    let (t, f) = load(&l, "Ab-aB");
    assert_eq!(dump(&t, f), "/f\n/f/Ab\n");
    assert!(sq(false).get("ab-AB").is_err());
}

/// The POSIX split by brute force: each piece, in turn, as long as the rest can follow.
fn brute_split(parts: &[Regex], text: &[u8]) -> Option<Vec<usize>> {
    fn rest_matches(parts: &[Regex], text: &[u8], at: usize) -> bool {
        match parts.split_first() {
            None => at == text.len(),
            Some((p, rest)) => (at..=text.len())
                .any(|q| p.matches_span(text, at, q) && rest_matches(rest, text, q)),
        }
    }
    let mut bounds = vec![0];
    let mut at = 0;
    for (i, p) in parts.iter().enumerate() {
        let rest = &parts[i + 1..];
        let q = (at..=text.len())
            .rev()
            .find(|&q| p.matches_span(text, at, q) && rest_matches(rest, text, q))?;
        bounds.push(q);
        at = q;
    }
    Some(bounds)
}

proptest::proptest! {
    /// Splitting a concatenation (greedy parts, one backwards pass over all suffixes, or one
    /// pass per suffix) gives exactly the POSIX split, and a union picks its first matching
    /// branch, whatever the parts.
    #[test]
    fn r7_fast_splits_are_posix_splits(
        picks in proptest::collection::vec(0usize..12, 2..6),
        text in "[ab ]{0,8}",
    ) {
        const POOL: [&str; 12] = [
            "a*", "a", "ab?", "b*", "[ab]+", "(ab)*", "a|ba", "b", " ", "[a ]*", "[^ ]+", "a?",
        ];
        let regexes: Vec<Regex> = picks.iter().map(|&i| rx(POOL[i]).unwrap()).collect();
        let lens = concat(regexes.iter().map(|r| del(r.clone(), "")).collect()).unwrap();
        let Kind::Concat(parts) = &lens.0.kind else {
            panic!("not a concatenation");
        };
        let text = text.as_bytes();
        // Splitting presumes the text belongs to the concatenation (callers check it).
        let member = lens.0.ctype.is_match(text);
        let expected = if member { brute_split(&regexes, text) } else { None };
        let got = if !member { None } else { split::split_concat(
            true,
            text,
            0,
            text.len(),
            parts,
            split::ctype_part,
            &lens.0.split.csuffix,
            &lens.0.split.csuffixes,
            &mut split::Scratch::default(),
        ) };
        proptest::prop_assert_eq!(got, expected);

        let alts = union(regexes.iter().map(|r| del(r.clone(), "")).collect()).unwrap();
        if let Kind::Union(branches) = &alts.0.kind {
            let want = branches.iter().position(|b| b.0.ctype.is_match(text));
            proptest::prop_assert_eq!(alts.0.split.calts.first_match(text, 0, text.len()), want);
        }
    }
}

/// `let rec item = [ del / * / "" . key /[a-z]+/ . (del /=/ "=" . store /[0-9]+/)?
///   . (del /\(/ "(" . item* . del / *\)/ ")")? . del /;/ ";" ]`: a node may have a value
/// and nested children, with blanks before each item and before `)` (so where the blanks
/// after the last child go depends on what follows them).
fn nested_lens() -> Lens {
    let id = fresh_rec_id();
    let build = |me: Lens| {
        let value = concat(vec![
            del(rx("=").unwrap(), "="),
            store(rx("[0-9]+").unwrap()),
        ])
        .unwrap()
        .opt();
        let kids = concat(vec![
            del(rx("\\(").unwrap(), "("),
            me.star().unwrap(),
            del(rx(" *\\)").unwrap(), ")"),
        ])
        .unwrap()
        .opt();
        subtree(
            concat(vec![
                del(rx(" *").unwrap(), ""),
                key(rx("[a-z]+").unwrap()),
                value,
                kids,
                del(rx(";").unwrap(), ";"),
            ])
            .unwrap(),
        )
    };
    let first = build(rec_ref(id, "item", None));
    let second = build(rec_ref(id, "item", Some(&first)));
    fix(id, second, &first).unwrap().star().unwrap()
}

/// A generated node: label, value, children.
#[derive(Debug, Clone)]
struct Gen(String, Option<String>, Vec<Gen>);

fn gen_tree() -> impl proptest::strategy::Strategy<Value = Vec<Gen>> {
    use proptest::prelude::*;
    let leaf =
        ("[a-z]{1,3}", proptest::option::of("[0-9]{1,2}")).prop_map(|(l, v)| Gen(l, v, Vec::new()));
    let node = leaf.prop_recursive(6, 40, 3, |inner| {
        (
            "[a-z]{1,3}",
            proptest::option::of("[0-9]{1,2}"),
            proptest::collection::vec(inner, 0..3),
        )
            .prop_map(|(l, v, k)| Gen(l, v, k))
    });
    proptest::collection::vec(node, 0..4)
}

/// The text of `nodes`, with blanks taken from `blanks` (cycled); nodes with no children
/// are written without parentheses every other time.
fn render(nodes: &[Gen], blanks: &[usize], at: &mut usize, out: &mut String) {
    fn blank(blanks: &[usize], at: &mut usize, out: &mut String) {
        let n = blanks.get(*at % blanks.len().max(1)).copied().unwrap_or(0);
        *at += 1;
        out.push_str(&" ".repeat(n));
    }
    for Gen(l, v, kids) in nodes {
        blank(blanks, at, out);
        out.push_str(l);
        if let Some(v) = v {
            out.push('=');
            out.push_str(v);
        }
        if !kids.is_empty() || at.is_multiple_of(2) {
            out.push('(');
            render(kids, blanks, at, out);
            blank(blanks, at, out);
            out.push(')');
        }
        out.push(';');
    }
}

fn gen_dump(nodes: &[Gen], path: &str, out: &mut String) {
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    let total = |l: &str| nodes.iter().filter(|g| g.0 == l).count();
    for Gen(l, v, kids) in nodes {
        let n = seen.entry(l).or_insert(0);
        *n += 1;
        let p = if total(l) > 1 {
            format!("{path}/{l}[{n}]")
        } else {
            format!("{path}/{l}")
        };
        match v {
            Some(v) => out.push_str(&format!("{p} = \"{v}\"\n")),
            None => out.push_str(&format!("{p}\n")),
        }
        gen_dump(kids, &p, out);
    }
}

proptest::proptest! {
    /// A recursive lens reads any nesting into the tree it describes (get), writes an
    /// unchanged tree back as the very same text (GetPut), and after an edit at any depth
    /// writes a text that reads back as the edited tree (PutGet).
    #[test]
    fn recursive_lens_laws(
        nodes in gen_tree(),
        blanks in proptest::collection::vec(0usize..3, 1..5),
        pick in 0usize..64,
        new_value in "[0-9]{1,3}",
    ) {
        let lens = nested_lens();
        let mut text = String::new();
        render(&nodes, &blanks, &mut 0, &mut text);
        let (mut t, f) = load(&lens, &text);
        let mut want = String::from("/f\n");
        gen_dump(&nodes, "/f", &mut want);
        proptest::prop_assert_eq!(dump(&t, f), want);
        proptest::prop_assert_eq!(lens.put(&t, f, &text).unwrap(), text.clone());

        // Edit one node, picked among all of them: a new value, and a new child.
        let mut all = Vec::new();
        let mut stack = vec![f];
        while let Some(n) = stack.pop() {
            all.push(n);
            stack.extend(t.children(n).iter().copied());
        }
        let n = all[pick % all.len()];
        if n != f {
            t.set_value(n, Some(&new_value));
        }
        t.append_child(n, Some("new"), Some("7")).unwrap();
        let out = lens.put(&t, f, &text).unwrap();
        let (t2, f2) = load(&lens, &out);
        proptest::prop_assert_eq!(dump(&t2, f2), dump(&t, f));
    }
}

#[test]
fn recursive_lens_nesting_is_bounded() {
    let lens = nested_lens();
    let deep = |n: usize| format!("{}{}", "a(".repeat(n), ");".repeat(n));
    // Within the bound: read, on a test thread's small stack.
    assert!(lens.get(&deep(rec::MAX_NESTING - 2)).is_ok());
    // Beyond it: an error that says so, not a stack overflow.
    let e = lens.get(&deep(100_000)).unwrap_err();
    assert!(e.message.contains("nested deeper than"), "{e}");
}

/// `let rec item = [ seq "n" . del / *\(/ "(" . item* . del /\)/ ")" ]`, read with
/// `item*`: nested subtrees numbered by one `seq` across the whole text, with blanks that
/// only their own layout keeps.
fn seq_nested_lens() -> Lens {
    let id = fresh_rec_id();
    let build = |me: Lens| {
        subtree(
            concat(vec![
                seq("n"),
                del(rx(" *\\(").unwrap(), "("),
                me.star().unwrap(),
                del(rx("\\)").unwrap(), ")"),
            ])
            .unwrap(),
        )
    };
    let first = build(rec_ref(id, "item", None));
    let second = build(rec_ref(id, "item", Some(&first)));
    fix(id, second, &first).unwrap().star().unwrap()
}

/// Save reads the nested subtrees of a recursive lens again only where it needs them,
/// except those a `seq` numbered (a read of one alone would number it afresh): edits
/// at every depth of a text numbered across its nesting come out as a fresh put would
/// write them, and an unchanged tree as the very text.
#[test]
fn recursive_put_with_seq_in_nested_subtrees() {
    let lens = seq_nested_lens();
    let text = "( ()  ( ()) () () ()) (  ())";
    let (t, f) = load(&lens, text);
    let want = "/f\n/f/1\n/f/1/2\n/f/1/3\n/f/1/3/4\n/f/1/5\n/f/1/6\n/f/1/7\n/f/8\n/f/8/9\n";
    assert_eq!(dump(&t, f), want);
    assert_eq!(lens.put(&t, f, text).unwrap(), text);
    // Remove the deepest node, then a middle one, then add a child deep down.
    let node = |t: &Tree, path: &[&str]| path.iter().fold(f, |n, l| t.child(n, l).unwrap());
    let mut t1 = t.clone();
    t1.remove(node(&t1, &["1", "3", "4"]));
    assert_eq!(lens.put(&t1, f, text).unwrap(), "( ()  () () () ()) (  ())");
    let mut t2 = t.clone();
    t2.remove(node(&t2, &["1", "2"]));
    assert_eq!(lens.put(&t2, f, text).unwrap(), "(  ( ()) () () ()) (  ())");
    let mut t3 = t.clone();
    let deep = node(&t3, &["8", "9"]);
    t3.append_child(deep, Some("10"), None).unwrap();
    assert_eq!(
        lens.put(&t3, f, text).unwrap(),
        "( ()  ( ()) () () ()) (  (()))"
    );
    // A child for a node whose own child keeps its blank: that layout is found under
    // the number the whole text gave it.
    let mut t4 = t.clone();
    let mid = node(&t4, &["1", "3"]);
    t4.append_child(mid, Some("10"), None).unwrap();
    assert_eq!(
        lens.put(&t4, f, text).unwrap(),
        "( ()  ( ()()) () () ()) (  ())"
    );
}
