//! Benchmarks of the command engine's output over generated hosts-like trees of 1k, 10k and
//! 100k entries: `ls` and `match` print one path per node, and must stay linear (each
//! sibling list is scanned once for the `[N]` positions, not once per node).

use aug_core::{Augeas, Flags, Subtree};

fn main() {
    divan::main();
}

/// A handle whose `/files/etc/hosts` holds `entries` entries, each with `ipaddr`,
/// `canonical` and an `alias`.
fn handle(entries: usize) -> (tempfile::TempDir, Augeas) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut aug = Augeas::open(Some(dir.path()), Flags::NO_LOAD, vec![]);
    let mut h = Subtree::new(Some("hosts"), None);
    for i in 0..entries {
        let mut e = Subtree::new(Some(&(i + 1).to_string()), None);
        let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
        e.children.push(Subtree::new(Some("ipaddr"), Some(&ip)));
        e.children
            .push(Subtree::new(Some("canonical"), Some(&format!("host{i}"))));
        e.children
            .push(Subtree::new(Some("alias"), Some(&format!("a{i}"))));
        h.children.push(e);
    }
    let mut etc = Subtree::new(Some("etc"), None);
    etc.children.push(h);
    let files = aug.files_node().expect("/files");
    aug.tree_mut().graft(files, 0, etc);
    (dir, aug)
}

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn bench_command(bencher: divan::Bencher<'_, '_>, entries: usize, command: &str, lines: usize) {
    let (_dir, mut aug) = handle(entries);
    let mut out = Vec::new();
    aug.srun(command, &mut out).expect("runs");
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), lines);
    bencher.bench_local(|| {
        out.clear();
        aug.srun(command, &mut out)
    });
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn ls_entries(bencher: divan::Bencher<'_, '_>, entries: usize) {
    bench_command(bencher, entries, "ls /files/etc/hosts", entries);
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn match_every_ipaddr(bencher: divan::Bencher<'_, '_>, entries: usize) {
    bench_command(bencher, entries, "match /files/etc/hosts/*/ipaddr", entries);
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn match_entries_by_alias(bencher: divan::Bencher<'_, '_>, entries: usize) {
    bench_command(bencher, entries, "match /files/etc/hosts/*[alias]", entries);
}
