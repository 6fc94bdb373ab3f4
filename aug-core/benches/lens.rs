//! Benchmarks of the lens engine: get and put of generated 1k, 10k and 100k-line hosts and
//! passwd files with the built-in lenses, and a whole edit (load, set, save) through the
//! handle. Growth must stay linear: 10x the lines, at most ~12x the time.

use aug_core::lens::Lens;
use aug_core::{Flags, NodeId, Tree};

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn hosts_text(n: usize) -> String {
    let mut s = String::from("# generated\n127.0.0.1\tlocalhost\n");
    for i in 2..n {
        match i % 20 {
            0 => s.push_str(&format!("# block {i}\n")),
            7 => s.push('\n'),
            _ => s.push_str(&format!(
                "10.{}.{}.{}\thost{i}.example.com h{i} h{i}b\n",
                i >> 16,
                (i >> 8) & 255,
                i & 255
            )),
        }
    }
    s
}

fn passwd_text(n: usize) -> String {
    let mut s = String::from("root:x:0:0:root:/root:/bin/bash\n");
    for i in 1..n {
        s.push_str(&format!(
            "user{i}:x:{}:{}:User {i},,,:/home/user{i}:/bin/bash\n",
            1000 + i,
            1000 + i
        ));
    }
    s
}

fn lens(name: &str) -> Lens {
    match aug_lenses::builtin_lens(name).map(|m| (m.lens)()) {
        Some(Ok(l)) => l,
        _ => panic!("lens {name} builds"),
    }
}

fn tree_of(lens: &Lens, text: &str) -> (Tree, NodeId) {
    let parsed = lens.get(text).expect("get");
    let mut t = Tree::new();
    let root = t.root();
    let f = t.append_child(root, Some("f"), None).expect("node");
    for (i, c) in parsed.children.into_iter().enumerate() {
        t.graft(f, i, c);
    }
    (t, f)
}

#[divan::bench(args = SIZES)]
fn get_hosts(bencher: divan::Bencher<'_, '_>, n: usize) {
    let (l, text) = (lens("Hosts"), hosts_text(n));
    bencher.bench(|| l.get(divan::black_box(&text)).expect("get").children.len());
}

#[divan::bench(args = SIZES)]
fn get_passwd(bencher: divan::Bencher<'_, '_>, n: usize) {
    let (l, text) = (lens("Passwd"), passwd_text(n));
    bencher.bench(|| l.get(divan::black_box(&text)).expect("get").children.len());
}

#[divan::bench(args = SIZES)]
fn put_hosts_unchanged(bencher: divan::Bencher<'_, '_>, n: usize) {
    let (l, text) = (lens("Hosts"), hosts_text(n));
    let (t, f) = tree_of(&l, &text);
    bencher.bench(|| l.put(&t, f, divan::black_box(&text)).expect("put").len());
}

#[divan::bench(args = SIZES)]
fn put_passwd_unchanged(bencher: divan::Bencher<'_, '_>, n: usize) {
    let (l, text) = (lens("Passwd"), passwd_text(n));
    let (t, f) = tree_of(&l, &text);
    bencher.bench(|| l.put(&t, f, divan::black_box(&text)).expect("put").len());
}

/// The handle end to end on a temp root: open (load), set one value, save.
#[divan::bench(args = SIZES, sample_count = 10)]
fn handle_set_save_hosts(bencher: divan::Bencher<'_, '_>, n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("etc")).expect("mkdir");
    let text = hosts_text(n);
    let mut flip = false;
    bencher.bench_local(|| {
        std::fs::write(dir.path().join("etc/hosts"), &text).expect("write");
        let mut aug = aug_lenses::open(Some(dir.path()), Flags::NONE);
        flip = !flip;
        let v = if flip {
            "a.example.com"
        } else {
            "b.example.com"
        };
        aug.set("/files/etc/hosts/1/canonical", Some(v))
            .expect("set");
        aug.save().expect("save");
    });
}
