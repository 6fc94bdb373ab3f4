"""srun: the augtool command subset. Outputs were recorded with libaugeas 1.14's
aug_srun on the same trees."""

import io

import pytest

from augeas_rs import Augeas, AugeasRuntimeError


def run(aug, text):
    out = io.StringIO()
    assert aug.srun(out, text) is None
    return out.getvalue()


def test_get_label_and_missing(bare):
    assert run(bare, "get /files/t/a") == "/files/t/a = 1\n"
    assert run(bare, "get /files/t/n") == "/files/t/n (none)\n"
    assert run(bare, "get /nothing") == "/nothing (o)\n"
    assert run(bare, "label /files/t/b[2]") == "/files/t/b[2] = b\n"
    assert run(bare, "get t/a") == "t/a = 1\n"


def test_edits_and_their_output(bare):
    assert run(bare, "set /files/t/x 'a b'\nget /files/t/x") == "/files/t/x = a b\n"
    assert run(bare, "rm /files/t/b") == "rm : /files/t/b 2\n"
    assert run(bare, "rename /files/t/x y") == "rename : /files/t/x to y 1\n"
    assert run(bare, "touch /files/t/new\nclear /files/t/a\nget /files/t/a") == "/files/t/a (none)\n"
    assert run(bare, "mv /files/t/y /files/u\ncp /files/u /files/v\nget /files/v") == "/files/v = a b\n"
    assert run(bare, "ins before_a before /files/t/a\nlabel /files/t/*[1]") == "/files/t/*[1] = before_a\n"
    assert run(bare, "setm /files/t/n c z\nget /files/t/n/c") == "/files/t/n/c = z\n"
    assert run(bare, "clearm /files/t/n c\nget /files/t/n/c") == "/files/t/n/c (none)\n"
    assert run(bare, "defvar v /files/t/n\ndefnode w /files/t/w 1\nget $w") == "$w = 1\n"


def test_match_count_ls_print(bare):
    assert run(bare, "match /files/t/b") == "/files/t/b[1] = 2\n/files/t/b[2] = 3\n"
    assert run(bare, "match /files/t/* 3") == "/files/t/b[2]\n"
    assert run(bare, "match /files/t/* nothing") == ""
    assert run(bare, "ls /nothing") == ""
    assert run(bare, "label /nothing") == "/nothing (o)\n"
    assert run(bare, "match /nothing") == "  (no matches)\n"
    assert run(bare, "count /files/t/*") == "  5 matches\n"
    assert run(bare, "count /files/t/a") == "  1 match\n"
    assert run(bare, "count /nothing") == "  no matches\n"
    assert run(bare, "ls /files/t") == "a = 1\nb[1] = 2\nb[2] = 3\ne = \nn/ = (none)\n"
    assert run(bare, "print /files/t/n") == '/files/t/n\n/files/t/n/c = "x"\n'


def test_tokenizer(bare):
    assert run(bare, 'set /files/t/q "x"\'y\'z\nget /files/t/q') == "/files/t/q = xyz\n"
    assert run(bare, "get /files/t/*[. = '3']") == "/files/t/*[. = '3'] = 3\n"
    assert run(bare, "set /files/t/sp a\\ b\nget /files/t/sp") == "/files/t/sp = a b\n"
    assert run(bare, "get /files/t/a/") == "/files/t/a = 1\n"
    assert run(bare, "# a comment\n\n   get /files/t/a\n") == "/files/t/a = 1\n"


def test_context(bare):
    assert run(bare, "context") == "/files\n"
    assert run(bare, "context /files/t\nget a\ncontext") == "a = 1\n/files/t\n"


def test_quit_stops_without_error(bare):
    assert run(bare, "get /files/t/a\nquit\nget /files/t/e") == "/files/t/a = 1\n"


@pytest.mark.parametrize(
    "cmd,code,details",
    [
        ("frob", 11, "Unknown command 'frob'"),
        ("set", 11, "Not enough arguments for set"),
        ("set a b c", 11, "Too many arguments. Command set takes only 2 arguments"),
        ("get /files/t[", 11, "unmatched ["),
        ("get /files/t]", 11, "unmatched ["),  # as libaugeas's aug_srun says
        ("get 'abc", 11, "unmatched '"),
        ("get \\q", 11, "unknown escape sequence: q"),
        ("ins x middle /files/t/a", 11,
         "the <WHERE> argument for ins must be either 'before' or 'after'."),
        ("transform Hosts both /etc/hosts", 11, 'FILTER must be "incl" or "excl"'),
        ("get /files/t/*", 5, "There are 5 nodes matching /files/t/*"),
        ("mv /files /files/a", 10, "destination /files/a is a descendant of /files"),
        ("load-file /etc/nope", 7, "can not determine lens to load file /etc/nope"),
        ("span /files/t/a", 11,
         "Span is not enabled. To enable, run the commands:\n"
         "    set /augeas/span enable\n    rm /files\n    load\n"),
    ],
)
def test_errors(bare, cmd, code, details):
    with pytest.raises(AugeasRuntimeError) as ei:
        run(bare, cmd)
    e = ei.value
    assert (e.error, e.details) == (code, details)
    assert e.message == f"Augeas.srun() failed (-1): {e.msg}: {details}"


def test_every_augtool_command_runs(bare):
    """errors, info, help and dump-xml run too: the engine is augtool's own."""
    assert run(bare, "errors") == "  (no errors)\n"
    assert run(bare, "info").startswith("version = 1.14.0\n")
    assert "Admin commands:" in run(bare, "help")
    assert run(bare, "dump-xml /files/t/a").startswith("<augeas match=\"/files/t/a\">")


def test_commands_before_an_error_stay_applied(bare):
    with pytest.raises(AugeasRuntimeError):
        run(bare, "set /files/t/done 1\nfrob\nset /files/t/never 1")
    assert bare.get("/files/t/done") == "1"
    assert bare.get("/files/t/never") is None


def test_binary_output(bare):
    out = io.BytesIO()
    bare.srun(out, "get /files/t/a")
    assert out.getvalue() == b"/files/t/a = 1\n"


def test_save_and_source(aug, root):
    assert run(aug, "source /files/etc/hosts/1") == "/files/etc/hosts\n"
    assert run(aug, "set /files/etc/hosts/4/alias[3] dns3\nsave") == "Saved 1 file(s)\n"
    assert run(aug, "save") == ""
    assert "ns1 dns1 dns3" in (root / "etc/hosts").read_text()


def test_failed_save(aug):
    with pytest.raises(AugeasRuntimeError) as ei:
        run(aug, "rm /files/etc/hosts/1/ipaddr\nsave")
    assert ei.value.details == "saving failed (run 'errors' for details)"


def test_span_command(root):
    with Augeas(root=str(root), flags=Augeas.ENABLE_SPAN) as a:
        assert run(a, "span /files/etc/hosts/1/ipaddr") == (
            f"{root}/etc/hosts label=(0:0) value=(105:114) span=(105,114)\n")


def test_seed_match_via_srun(aug):
    assert run(aug, "match /files/etc/passwd/*[shell='/bin/false']") == (
        "/files/etc/passwd/news = (none)\n/files/etc/passwd/postfix = (none)\n"
        "/files/etc/passwd/guest$ = (none)\n")
