//! Benchmarks of path matching over generated hosts-like trees of 10k and 100k nodes.

use aug_core::{PathExpr, Subtree, Tree, Vars};

fn main() {
    divan::main();
}

/// A tree `/files/etc/hosts/N` with `ipaddr`, `canonical` and two `alias` children per
/// entry: five nodes per entry, `nodes / 5` entries.
fn hosts(nodes: usize) -> Tree {
    let mut tree = Tree::new();
    let root = tree.root();
    let mut files = Subtree::new(Some("files"), None);
    let mut etc = Subtree::new(Some("etc"), None);
    let mut h = Subtree::new(Some("hosts"), None);
    for i in 0..nodes / 5 {
        let mut e = Subtree::new(Some(&(i + 1).to_string()), None);
        let ip = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
        e.children.push(Subtree::new(Some("ipaddr"), Some(&ip)));
        e.children
            .push(Subtree::new(Some("canonical"), Some(&format!("host{i}"))));
        e.children
            .push(Subtree::new(Some("alias"), Some(&format!("a{i}"))));
        e.children
            .push(Subtree::new(Some("alias"), Some(&format!("b{i}"))));
        h.children.push(e);
    }
    etc.children.push(h);
    files.children.push(etc);
    tree.graft(root, 0, files);
    tree
}

const SIZES: [usize; 2] = [10_000, 100_000];

fn bench_select(bencher: divan::Bencher<'_, '_>, nodes: usize, expr: &str, want: usize) {
    let tree = hosts(nodes);
    let vars = Vars::new();
    let expr = PathExpr::parse(expr).expect("parses");
    let root = tree.root();
    assert_eq!(
        expr.select(&tree, &vars, root).expect("evaluates").len(),
        want
    );
    bencher.bench_local(|| expr.select(&tree, &vars, root));
}

#[divan::bench(args = SIZES)]
fn pred_child_value(bencher: divan::Bencher<'_, '_>, nodes: usize) {
    bench_select(bencher, nodes, "/files/etc/hosts/*[ipaddr='10.0.0.5']", 1);
}

#[divan::bench(args = SIZES)]
fn pred_last(bencher: divan::Bencher<'_, '_>, nodes: usize) {
    bench_select(bencher, nodes, "/files/etc/hosts/*[last()]", 1);
}

#[divan::bench(args = SIZES)]
fn pred_position_last_minus_one(bencher: divan::Bencher<'_, '_>, nodes: usize) {
    bench_select(
        bencher,
        nodes,
        "/files/etc/hosts/*[position() = last() - 1]",
        1,
    );
}

#[divan::bench(args = SIZES)]
fn descendant_value(bencher: divan::Bencher<'_, '_>, nodes: usize) {
    bench_select(bencher, nodes, "//alias[. = 'a7']", 1);
}

#[divan::bench(args = SIZES)]
fn regexp_all(bencher: divan::Bencher<'_, '_>, nodes: usize) {
    bench_select(
        bencher,
        nodes,
        "/files/etc/hosts/*[canonical =~ regexp('host1.*')]",
        (0..nodes / 5)
            .filter(|i| i.to_string().starts_with('1'))
            .count(),
    );
}
