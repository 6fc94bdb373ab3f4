//! augtool-rs: the command-line front door of aug-rs.

fn main() {
    println!("augtool-rs {}", env!("CARGO_PKG_VERSION"));
}
