//! Links the cdylib as Augeas's library: SONAME `libaugeas.so.0` and the symbol versions
//! of Debian's libaugeas0 1.14 (`augeas.map`).

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_owned());
    let map = std::path::Path::new(&dir).join("augeas.map");
    println!("cargo:rerun-if-changed={}", map.display());
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libaugeas.so.0");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        map.display()
    );
}
