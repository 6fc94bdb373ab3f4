//! Development aid: prints a file's tree like `augtool -r ROOT print /files/<path>`, to
//! compare with C augtool. Usage: `print ROOT etc/hosts [MODULE]`.

use aug_core::Tree;
use aug_core::print::print_subtree;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(root), Some(rel)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: print ROOT REL");
        std::process::exit(2);
    };
    let name = match args.get(3).map(String::as_str).unwrap_or(rel.as_str()) {
        "Hosts" => "Hosts",
        "Passwd" => "Passwd",
        "Cron" => "Cron",
        "etc/hosts" => "Hosts",
        "etc/passwd" => "Passwd",
        r if r == "etc/crontab" || r.starts_with("etc/cron.d/") => "Cron",
        _ => "Logrotate",
    };
    let Some(Ok(lens)) = aug_lenses::builtin_lens(name).map(|m| (m.lens)()) else {
        eprintln!("no lens");
        std::process::exit(2);
    };
    let Ok(mut text) = std::fs::read_to_string(format!("{root}/{rel}")) else {
        eprintln!("cannot read");
        std::process::exit(2);
    };
    if !text.ends_with('\n') && !text.is_empty() {
        text.push('\n');
    }
    match lens.get(&text) {
        Ok(p) => {
            let mut t = Tree::new();
            let r = t.root();
            if let Some(f) = t.append_child(r, Some("f"), None) {
                for (i, c) in p.children.into_iter().enumerate() {
                    t.graft(f, i, c);
                }
                let mut s = String::new();
                print_subtree(&t, f, &format!("/files/{rel}"), &mut s);
                print!("{s}");
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
