//! PutGet property tests: generate a file, read it, edit the tree (change values, remove
//! records, append records), write it back, and read the result again: the tree read
//! back must be the edited tree (with seq labels renumbered the way get numbers them).

use crate::common::{dump, load};
use aug_core::lens::Lens;
use aug_core::{NodeId, Tree};
use proptest::prelude::*;

/// What to do to the tree before putting it.
#[derive(Debug, Clone)]
enum Edit {
    /// Set the value of the `n`-th (modulo) valued leaf to the text.
    SetLeaf(usize, String),
    /// Remove the `n`-th (modulo) top-level node.
    Remove(usize),
    /// Append a record made of these field values.
    Append(Vec<String>),
}

fn renumber(t: &mut Tree, file: NodeId) {
    let mut i = 0;
    for c in t.children(file).to_vec() {
        if t.label(c)
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
        {
            i += 1;
            t.set_label(c, Some(&i.to_string()));
        }
    }
}

fn leaves(t: &Tree, file: NodeId, skip: &[&str]) -> Vec<NodeId> {
    t.descendants_or_self(file)
        .filter(|&n| {
            n != file
                && t.children(n).is_empty()
                && t.value(n).is_some()
                && !t.label(n).is_some_and(|l| skip.contains(&l))
        })
        .collect()
}

fn check(
    lens: &Lens,
    text: &str,
    edits: &[Edit],
    append: impl Fn(&mut Tree, NodeId, &[String]),
    leaf_ok: impl Fn(&str) -> bool,
) -> Result<(), TestCaseError> {
    let (mut t, f) =
        load(lens, "etc/x", text).map_err(|e| TestCaseError::fail(format!("get: {e}")))?;
    for e in edits {
        match e {
            Edit::SetLeaf(n, v) => {
                let ls = leaves(&t, f, &["#comment"]);
                if let Some(&l) = ls.get(n % ls.len().max(1))
                    && leaf_ok(t.label(l).unwrap_or_default())
                {
                    t.set_value(l, Some(v));
                }
            }
            Edit::Remove(n) => {
                let kids = t.children(f).to_vec();
                if let Some(&k) = kids.get(n % kids.len().max(1)) {
                    t.remove(k);
                }
            }
            Edit::Append(fields) => append(&mut t, f, fields),
        }
    }
    let out = lens
        .put(&t, f, text)
        .map_err(|e| TestCaseError::fail(format!("put: {e}\n{text}")))?;
    let (t2, f2) = load(lens, "etc/x", &out)
        .map_err(|e| TestCaseError::fail(format!("get after put: {e}\n{out}")))?;
    renumber(&mut t, f);
    prop_assert_eq!(
        dump(&t2, f2, "etc/x"),
        dump(&t, f, "etc/x"),
        "text after put:\n{}",
        out
    );
    Ok(())
}

fn host_word() -> &'static str {
    "[a-z0-9][a-z0-9.:-]{0,12}"
}

fn hosts_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[ \t]{0,2}#[ \t]{0,2}[a-zA-Z0-9 ]{0,20}".prop_map(|s| s),
        (
            "[ \t]{0,2}",
            host_word(),
            "[ \t]{1,3}",
            host_word(),
            prop::collection::vec(("[ \t]{1,3}", host_word()), 0..4),
            prop::option::of("[ \t]{0,2}# ?[a-z]{1,8}"),
            "[ \t]{0,2}",
        )
            .prop_map(|(ind, ip, sep, canon, aliases, comment, trail)| {
                let mut s = format!("{ind}{ip}{sep}{canon}");
                for (sp, a) in aliases {
                    s.push_str(&sp);
                    s.push_str(&a);
                }
                match comment {
                    Some(c) => format!("{s}{c}"),
                    None => format!("{s}{trail}"),
                }
            }),
    ]
}

fn edits(field: &'static str) -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            (any::<usize>(), field).prop_map(|(n, v)| Edit::SetLeaf(n, v)),
            any::<usize>().prop_map(Edit::Remove),
            prop::collection::vec(field, 6..=6).prop_map(Edit::Append),
        ],
        0..4,
    )
}

fn append_host(t: &mut Tree, f: NodeId, fields: &[String]) {
    let r = t.append_child(f, Some("999"), None).unwrap();
    t.append_child(r, Some("ipaddr"), Some(&fields[0]));
    t.append_child(r, Some("canonical"), Some(&fields[1]));
    for a in &fields[2..4] {
        t.append_child(r, Some("alias"), Some(a));
    }
}

fn passwd_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "# [a-z ]{1,10}[a-z]".prop_map(|s| s),
        (
            "[a-z_][a-z0-9_.-]{0,6}",
            "[a-zA-Z0-9!*$]{0,4}",
            "[0-9]{1,4}",
            "[0-9]{1,4}",
            "[a-zA-Z ,]{0,8}",
            "(/[a-z]{1,5}){0,2}",
            "(/[a-z]{1,5}){0,2}",
        )
            .prop_map(|(l, p, u, g, n, h, s)| format!("{l}:{p}:{u}:{g}:{n}:{h}:{s}")),
        "[a-z]{1,6}".prop_map(|n| format!("+@{n}::::::")),
        "[a-z]{1,6}".prop_map(|n| format!("-{n}::::::")),
        Just("+".to_owned()),
    ]
}

fn append_user(t: &mut Tree, f: NodeId, fields: &[String]) {
    let u = t
        .append_child(f, Some(&format!("u{}", fields[0].len())), None)
        .unwrap();
    for (label, v) in ["password", "uid", "gid", "name", "home", "shell"]
        .iter()
        .zip(["x", "1", "2", &fields[1], "/h", "/bin/sh"])
    {
        t.append_child(u, Some(label), Some(v));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn hosts_putget(lines in prop::collection::vec(hosts_line(), 0..8), eds in edits(host_word())) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        check(&aug_lenses::hosts::lens().unwrap(), &text, &eds, append_host, |_| true)?;
    }

    #[test]
    fn passwd_putget(lines in prop::collection::vec(passwd_line(), 0..8), eds in edits("[a-z][a-z0-9]{0,6}")) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        check(&aug_lenses::passwd::lens().unwrap(), &text, &eds, append_user, |l| !matches!(l, "uid" | "gid"))?;
    }
}

fn cron_line() -> impl Strategy<Value = String> {
    let field = "[0-9*][0-9*/,-]{0,3}";
    prop_oneof![
        Just(String::new()),
        "# [a-z ]{0,10}[a-z]".prop_map(|s| s),
        ("[A-Z][A-Z_]{0,5}", "[a-z/:\"]{0,8}[a-z]").prop_map(|(k, v)| format!("{k}={v}")),
        (
            "[ \t]{0,2}-?",
            prop::collection::vec((field, "[ \t]{1,2}"), 5..=5),
            "[a-z]{1,6}",
            "[ \t]{1,2}",
            "[a-z/][a-z /.-]{0,12}[a-z]",
        )
            .prop_map(|(lead, fields, user, sep, cmd)| {
                let time: String = fields.into_iter().map(|(f, s)| format!("{f}{s}")).collect();
                format!("{lead}{time}{user}{sep}{cmd}")
            }),
        ("(reboot|daily|hourly)", "[a-z]{1,6}", "[a-z/]{1,8}")
            .prop_map(|(s, u, c)| format!("@{s}\t{u}\t{c}")),
    ]
}

fn append_cron(t: &mut Tree, f: NodeId, fields: &[String]) {
    let e = t.append_child(f, Some("entry"), Some(&fields[0])).unwrap();
    let time = t.append_child(e, Some("time"), None).unwrap();
    for l in ["minute", "hour", "dayofmonth", "month", "dayofweek"] {
        t.append_child(time, Some(l), Some("*"));
    }
    t.append_child(e, Some("user"), Some(&fields[1]));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn cron_putget(lines in prop::collection::vec(cron_line(), 0..6), eds in edits("[a-z][a-z0-9]{0,6}")) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        // Time fields must stay numeric; every other leaf takes a word.
        let ok = |l: &str| !matches!(l, "minute" | "hour" | "dayofmonth" | "month" | "dayofweek" | "prefix" | "schedule");
        check(&aug_lenses::cron::lens().unwrap(), &text, &eds, append_cron, ok)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Every testroot file: remove random nodes at any depth; when the lens can still
    /// write the tree, reading the text back gives the same tree.
    #[test]
    fn testroot_removals_putget(file in 0usize..11, picks in prop::collection::vec(any::<usize>(), 1..4)) {
        let root = crate::common::repo().join("testroot");
        let files = crate::common::files_under(&root);
        let rel = &files[file % files.len()];
        let lens = crate::common::lens_for(rel).unwrap();
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let (mut t, f) = load(&lens, rel, &text).unwrap();
        for p in picks {
            let all: Vec<NodeId> = t.descendants_or_self(f).filter(|&n| n != f).collect();
            if let Some(&n) = all.get(p % all.len().max(1)) {
                t.remove(n);
            }
        }
        if let Ok(out) = lens.put(&t, f, &text) {
            let (t2, f2) = load(&lens, rel, &out)
                .map_err(|e| TestCaseError::fail(format!("get after put: {e}\n{out}")))?;
            renumber(&mut t, f);
            prop_assert_eq!(dump(&t2, f2, rel), dump(&t, f, rel), "text after put:\n{}", out);
        }
    }
}
