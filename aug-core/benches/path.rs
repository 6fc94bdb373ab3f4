//! Benchmarks of path matching.
fn main() {}
