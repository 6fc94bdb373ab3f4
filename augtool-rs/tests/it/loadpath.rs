//! Modules from the load path: the stock modules (`-I /usr/share/augeas/lenses/dist`) read
//! and edit files aug-rs has no built-in lens for (`tests/data/stockroot`) exactly as C
//! augtool does, and a module that fails to load is reported under `/augeas/load` without
//! breaking the others. The comparisons are skipped, with a message, when the stock lenses
//! or C augtool are not installed.

use crate::support::{Run, augtool_rs, files_of, run_program};
use std::fs;
use std::path::{Path, PathBuf};

/// Debian's augeas-lenses.
const STOCK: &str = "/usr/share/augeas/lenses/dist";

/// The sample root.
fn stockroot() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/stockroot")
}

/// C augtool, if it is on the PATH.
fn c_augtool() -> Option<PathBuf> {
    aug_test_support::which("augtool")
}

/// Runs `program` with `args` and the script on standard input, on a fresh copy of
/// `tests/data/stockroot`.
fn run_on_stockroot(program: &Path, args: &[&str], script: &str) -> (Run, tempfile::TempDir) {
    let root = tempfile::tempdir().unwrap();
    aug_test_support::copy_dir_except(&stockroot(), root.path(), &|name| name == "README.md");
    let r = root.path().to_str().unwrap().to_owned();
    let mut all = vec!["-r", r.as_str()];
    all.extend_from_slice(args);
    let run = run_program(program, &all, script, root.path());
    (run, root)
}

/// Runs `script` through C augtool (which autoloads the stock modules) and through
/// augtool-rs with `-I STOCK`; standard output, exit code and files must be identical.
#[track_caller]
fn check_same_as_c(script: &str) {
    if !Path::new(STOCK).is_dir() {
        eprintln!("skipped: {STOCK} is not installed (apt install augeas-lenses)");
        return;
    }
    let Some(c) = c_augtool() else {
        eprintln!("skipped: C augtool is not installed");
        return;
    };
    let (ours, our_root) = run_on_stockroot(&augtool_rs(), &["-I", STOCK], script);
    let (theirs, their_root) = run_on_stockroot(&c, &[], script);
    assert_eq!(ours.stderr, theirs.stderr, "stderr");
    assert_eq!(ours.stdout, theirs.stdout, "stdout");
    assert_eq!(ours.code, theirs.code, "exit code");
    assert!(
        files_of(our_root.path()) == files_of(their_root.path()),
        "the saved files differ"
    );
}

/// Sshd's `AllowUsers` items are numbered on from one line to the next (carol is 3): a
/// first save, which reads the changed line alone from the layout recorded at load,
/// starts from the counters the file had at that line, so its dictionary knows `3` and
/// `4` and the spacing of the kept items stays.
#[test]
fn seq_numbers_that_run_on_across_lines_save_as_c_augtool() {
    check_same_as_c(concat!(
        "set /files/etc/ssh/sshd_config/AllowUsers[2]/4 dan\n",
        "set /files/etc/ssh/sshd_config/AllowUsers[2]/5 erin\n",
        "save\n",
        "print /augeas//error\n",
        "print /files/etc/ssh/sshd_config/AllowUsers\n",
    ));
}

/// Httpd's sections are a recursive lens whose closing tag must repeat the opening one,
/// case aside; C writes it as the section's label whenever it writes the file, changed
/// or not. The first save reads the changed sections alone from the layout recorded at
/// load (entries whose tags differ in case are written anew, the others copied); the
/// second from the layout that save recorded.
#[test]
fn httpd_sections_save_as_c_augtool() {
    let conf = "/files/etc/apache2/apache2.conf";
    // An edit in a section whose tags differ, one whose nested section's tags differ,
    // one in a section whose tags agree, a new directive after the sections.
    check_same_as_c(&format!(
        "set {conf}/VirtualHost[1]/directive[1]/arg first.example.com\n\
         set {conf}/IfModule/VirtualHost/directive[2]/arg off\n\
         set {conf}/Directory/directive[1]/arg None\n\
         save\n\
         set {conf}/VirtualHost[2]/Directory/directive/arg All\n\
         rename {conf}/Directory Location\n\
         save\n\
         print /augeas//error\n\
         print {conf}\n"
    ));
    // A rename to the label a node has is a change in C too: the file is written again,
    // and its closing tags with it.
    check_same_as_c(&format!(
        "rename {conf}/VirtualHost[2]/directive directive\n\
         save\n\
         print /augeas//error\n"
    ));
    // Only a top-level directive changes: the sections whose tags differ are written
    // anew all the same, as C does.
    check_same_as_c(&format!(
        "set {conf}/directive[2]/arg 60\n\
         save\n\
         print /augeas//error\n"
    ));
    // A directive without a value is written as a section, `<directive>` and
    // `</directive>`, before an empty line: read again, the section's closing `del`
    // takes that line, so C's next save writes it twice. The layout put records must
    // be what a reading of the text gives, or the second save differs from C's.
    check_same_as_c(&format!(
        "ins directive after {conf}/directive[3]\n\
         save\n\
         set {conf}/directive[last()]/arg debug\n\
         save\n\
         set {conf}/directive[1]/arg /srv\n\
         save\n\
         print /augeas//error\n"
    ));
}

/// A file whose original text does not parse (stockroot's broken.json, a doubled comma)
/// gets a tree by `set`; its save must read the original again, fails, and records where,
/// as a load does: C's `parse_skel_failed` has the position, lens and message of the get
/// error (found by mutating big recursive-lens files and saving them against C).
#[test]
fn a_save_whose_original_does_not_parse_fails_as_c_augtool() {
    check_same_as_c(
        "transform Json.lns incl /etc/broken.json\n\
         load\n\
         set /files/etc/broken.json/dict/entry x\n\
         save\n\
         print /augeas//error\n\
         errors\n",
    );
}

/// Logrotate's top-level directives end their line outside their subtree, with the
/// trailing blanks in it: its layout is its iterations. A save copies an iteration whose
/// one node is unchanged and in its place, and writes any other with the `del`s of the
/// original iteration at its position, read from that iteration's text alone, as C does
/// (a directive inserted before `rotate` ends with `rotate`'s tab); the second save goes
/// by the iterations the first one wrote.
#[test]
fn logrotate_iterations_save_as_c_augtool() {
    let conf = "/files/etc/logrotate.conf";
    let first = format!(
        "set {conf}/compressext .gz\n\
         ins missingok before {conf}/rotate\n\
         set {conf}/missingok missingok\n\
         rm {conf}/dateext\n\
         set {conf}/rule[1]/rotate 2\n\
         save\n"
    );
    check_same_as_c(&first);
    check_same_as_c(&format!(
        "{first}\
         set {conf}/maxage 60\n\
         rm {conf}/#comment[2]\n\
         set {conf}/rule[3]/file /var/log/new.log\n\
         set {conf}/rule[3]/schedule daily\n\
         save\n\
         print /augeas//error\n\
         print {conf}\n"
    ));
    // Nodes moved: every iteration after the first change is written with the `del`s of
    // the original iteration at its position.
    check_same_as_c(&format!(
        "mv {conf}/schedule {conf}/schedule2\n\
         rename {conf}/schedule2 schedule\n\
         save\n\
         print /augeas//error\n"
    ));
}

#[test]
fn stock_trees_are_those_of_c_augtool() {
    // One file at a time: the order of files under /files differs (see README).
    for file in [
        "/etc/fstab",
        "/etc/resolv.conf",
        "/etc/sysctl.conf",
        "/etc/ssh/sshd_config",
        "/etc/systemd/system/bench.service",
        "/etc/apache2/apache2.conf",
        "/etc/logrotate.conf",
    ] {
        check_same_as_c(&format!(
            "print /files{file}\nprint /augeas/files{file}/error\n"
        ));
    }
}

#[test]
fn recursive_stock_lenses_read_and_write_as_c_augtool() {
    // Nested JSON values, dhcpd scopes and shell `if`/`for`/`case` blocks: recursive
    // lenses, at any depth.
    check_same_as_c(concat!(
        "transform Json.lns incl /etc/app.json\n",
        "load\n",
        "print /files/etc/app.json\n",
        "print /files/etc/dhcp/dhcpd.conf\n",
        "print /files/etc/profile\n",
        "print /augeas//error\n",
    ));
    let script = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/stock-rec-edits.augtool"),
    )
    .unwrap();
    check_same_as_c(&script);
    // A syntax error deep in a file: the same message and position as C.
    check_same_as_c(concat!(
        "transform Json.lns incl /etc/broken.json\n",
        "load\n",
        "match /files/etc/broken.json\n",
        "get /augeas/files/etc/broken.json/error\n",
        "get /augeas/files/etc/broken.json/error/pos\n",
        "get /augeas/files/etc/broken.json/error/line\n",
        "get /augeas/files/etc/broken.json/error/char\n",
        "get /augeas/files/etc/broken.json/error/message\n",
    ));
}

#[test]
fn stock_edits_are_those_of_c_augtool() {
    let script = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/stock-edits.augtool"),
    )
    .unwrap();
    check_same_as_c(&script);
}

/// Modules for the failure test: one that does not parse, two whose lens fails to
/// evaluate (one matches a file, one does not, so its lens is never built), a good one,
/// and one that does not autoload.
const MODULES: &[(&str, &str)] = &[
    (
        "broken.aug",
        "module Broken =\n  autoload xfm\n  let lns = del /x/ \"x\" .\n  let xfm = transform lns (incl \"/etc/broken\")\n",
    ),
    (
        "lazybad.aug",
        "module Lazybad =\n  autoload xfm\n  let lns = del /x/ \"x\" . Nowhere.lns\n  let xfm = transform lns (incl \"/etc/lazybad\")\n",
    ),
    (
        "unused.aug",
        "module Unused =\n  autoload xfm\n  let lns = del /x/ \"x\" . Nowhere.lns\n  let xfm = transform lns (incl \"/etc/unused\")\n",
    ),
    (
        "good.aug",
        "module Good =\n  autoload xfm\n  let lns = [ key /[a-z]+/ . del / = / \" = \" . store /[0-9]+/ . del /\\n/ \"\\n\" ]*\n  let xfm = transform lns (incl \"/etc/good\")\n",
    ),
    (
        "plain.aug",
        "module Plain =\n  let lns = [ key /[a-z]+/ . del / = / \" = \" . store /[0-9]+/ . del /\\n/ \"\\n\" ]*\n",
    ),
];

/// Runs `script` with augtool-rs `-S -I LIB` and `args` (LIB holding [`MODULES`]) on a root with
/// `/etc/good` and `/etc/lazybad`; checks the output (LIB shown as `LIB`) and the final
/// `/etc/good`.
#[track_caller]
fn check_modules(args: &[&str], script: &str, expected: &str, good_after: &str) {
    let lib = tempfile::tempdir().unwrap();
    for (name, text) in MODULES {
        fs::write(lib.path().join(name), text).unwrap();
    }
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc")).unwrap();
    fs::write(root.path().join("etc/good"), "a = 1\nb = 2\n").unwrap();
    fs::write(root.path().join("etc/lazybad"), "x\n").unwrap();
    let l = lib.path().to_str().unwrap();
    let r = root.path().to_str().unwrap();
    let mut all = vec!["-S", "-I", l, "-r", r];
    all.extend_from_slice(args);
    let run = run_program(&augtool_rs(), &all, script, root.path());
    let got = format!(
        "--- status: {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    )
    .replace(l, "LIB");
    assert_eq!(got, expected);
    assert_eq!(
        fs::read_to_string(root.path().join("etc/good")).unwrap(),
        good_after
    );
}

#[test]
fn failing_modules_are_reported_and_do_not_break_the_others() {
    check_modules(
        &[],
        "print /augeas/load/Broken\nprint /augeas/load/Lazybad\nprint /augeas/load/Unused\nprint /files\n",
        concat!(
            "--- status: 0\n--- stdout\n",
            "/augeas/load/Broken\n",
            "/augeas/load/Broken/lens = \"@Broken\"\n",
            "/augeas/load/Broken/error = \"Failed to load LIB/broken.aug: LIB/broken.aug:4:3: syntax error: expected an expression, found 'let'\"\n",
            "/augeas/load/Lazybad\n",
            "/augeas/load/Lazybad/lens = \"@Lazybad\"\n",
            "/augeas/load/Lazybad/incl = \"/etc/lazybad\"\n",
            "/augeas/load/Lazybad/error = \"Failed to load LIB/lazybad.aug: LIB/lazybad.aug:3:27: module Nowhere not found on the load path\"\n",
            // No file matches Unused, so its lens is never evaluated and fails nothing.
            "/augeas/load/Unused\n",
            "/augeas/load/Unused/lens = \"@Unused\"\n",
            "/augeas/load/Unused/incl = \"/etc/unused\"\n",
            "/files\n/files/etc\n/files/etc/good\n",
            "/files/etc/good/a = \"1\"\n/files/etc/good/b = \"2\"\n",
            "--- stderr\n",
        ),
        "a = 1\nb = 2\n",
    );
    check_modules(
        &[],
        "set /files/etc/good/c 3\nsave\n",
        "--- status: 0\n--- stdout\nSaved 1 file(s)\n--- stderr\n",
        "a = 1\nb = 2\nc = 3\n",
    );
}

#[test]
fn noautoload_keeps_modules_for_transform() {
    // With -A nothing is loaded, but `transform` still finds a module of the load path.
    check_modules(
        &["-A"],
        "print /files\ntransform Good incl /etc/good\nload\nprint /files/etc/good/a\n",
        "--- status: 0\n--- stdout\n/files\n/files/etc/good/a = \"1\"\n--- stderr\n",
        "a = 1\nb = 2\n",
    );
    // Also a module that does not autoload.
    check_modules(
        &["-A"],
        "transform Plain incl /etc/good\nload\nprint /files/etc/good/b\n",
        "--- status: 0\n--- stdout\n/files/etc/good/b = \"2\"\n--- stderr\n",
        "a = 1\nb = 2\n",
    );
}

#[test]
fn transform_finds_modules_that_do_not_autoload() {
    // Properties does not autoload: it is not under /augeas/load until a transform names
    // it, which C allows for any module of the load path.
    check_same_as_c(concat!(
        "match /augeas/load/Properties\n",
        "transform Properties.lns incl /etc/app.properties\n",
        "load\n",
        "print /augeas/load/Properties\n",
        "print /files/etc/app.properties\n",
        "set /files/etc/app.properties/app.port 9090\n",
        "save\n",
    ));
    // Without the stock modules, and without -A: a module of the load path with no
    // autoload of its own.
    check_modules(
        &[],
        "print /augeas/load/Plain\nrm /augeas/load/Good\ntransform Plain incl /etc/good\nload\nprint /files/etc/good/b\n",
        "--- status: 0\n--- stdout\nrm : /augeas/load/Good 3\n/files/etc/good/b = \"2\"\n--- stderr\n",
        "a = 1\nb = 2\n",
    );
}

#[test]
fn augeas_lens_lib_adds_directories() {
    let lib = tempfile::tempdir().unwrap();
    for (name, text) in MODULES {
        fs::write(lib.path().join(name), text).unwrap();
    }
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("etc")).unwrap();
    fs::write(root.path().join("etc/good"), "a = 1\n").unwrap();
    let out = std::process::Command::new(augtool_rs())
        .args(["-S", "-r", root.path().to_str().unwrap()])
        .args(["get", "/files/etc/good/a"])
        .env("HOME", root.path())
        .env("AUG_RS_CACHE_DIR", "")
        .env(
            "AUGEAS_LENS_LIB",
            format!("/nonexistent:{}", lib.path().display()),
        )
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "/files/etc/good/a = 1\n"
    );
}

/// Runs `augtool-rs -S -I LIB -r ROOT` with the autoload cache in `cache` (`None`: no
/// cache) and returns what `print /augeas/load/Good/incl` prints.
fn good_incl(lib: &Path, root: &Path, cache: Option<&Path>) -> String {
    let out = std::process::Command::new(augtool_rs())
        .args([
            "-S",
            "-I",
            lib.to_str().unwrap(),
            "-r",
            root.to_str().unwrap(),
        ])
        .args(["print", "/augeas/load/Good/incl"])
        .env("AUG_RS_CACHE_DIR", cache.map_or(Path::new(""), |c| c))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_autoload_scan_is_cached_until_a_module_changes() {
    let lib = tempfile::tempdir().unwrap();
    let good = lib.path().join("good.aug");
    for (name, text) in MODULES {
        fs::write(lib.path().join(name), text).unwrap();
    }
    // Broken modules are never cached: keep the good ones only.
    for bad in ["broken.aug", "lazybad.aug", "unused.aug"] {
        fs::remove_file(lib.path().join(bad)).unwrap();
    }
    let root = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cached = || -> Vec<PathBuf> {
        fs::read_dir(cache.path())
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    };
    let expected = "/augeas/load/Good/incl = \"/etc/good\"\n";
    // Modules changed within the last two seconds are not cached yet.
    assert_eq!(
        good_incl(lib.path(), root.path(), Some(cache.path())),
        expected
    );
    assert!(cached().is_empty(), "{:?}", cached());
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(
        good_incl(lib.path(), root.path(), Some(cache.path())),
        expected
    );
    let [file] = cached().try_into().unwrap();
    // The next run takes the filter from the cache: doctor it to see.
    let mut bytes = fs::read(&file).unwrap();
    let at = bytes.windows(9).position(|w| w == b"/etc/good").unwrap();
    bytes[at + 8] = b'X';
    fs::write(&file, &bytes).unwrap();
    assert_eq!(
        good_incl(lib.path(), root.path(), Some(cache.path())),
        "/augeas/load/Good/incl = \"/etc/gooX\"\n"
    );
    // A cache file others may write is not trusted.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
    assert_eq!(
        good_incl(lib.path(), root.path(), Some(cache.path())),
        expected
    );
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    // A changed module is scanned again.
    fs::write(&good, MODULES[3].1.replace("/etc/good", "/etc/good2")).unwrap();
    assert_eq!(
        good_incl(lib.path(), root.path(), Some(cache.path())),
        "/augeas/load/Good/incl = \"/etc/good2\"\n"
    );
    // So is a new one.
    fs::write(
        lib.path().join("other.aug"),
        MODULES[3].1.replace("Good", "Other"),
    )
    .unwrap();
    let out = std::process::Command::new(augtool_rs())
        .args(["-S", "-I", lib.path().to_str().unwrap()])
        .args([
            "-r",
            root.path().to_str().unwrap(),
            "match",
            "/augeas/load/*",
        ])
        .env("AUG_RS_CACHE_DIR", cache.path())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.ends_with("/augeas/load/Good = (none)\n/augeas/load/Other = (none)\n"),
        "{listed}"
    );
    // Garbage in the cache file is ignored.
    fs::write(&file, b"aug-rs autoload cache\ngarbage").unwrap();
    assert_eq!(
        good_incl(lib.path(), root.path(), Some(cache.path())),
        "/augeas/load/Good/incl = \"/etc/good2\"\n"
    );
    assert_eq!(
        good_incl(lib.path(), root.path(), None),
        "/augeas/load/Good/incl = \"/etc/good2\"\n"
    );
}
