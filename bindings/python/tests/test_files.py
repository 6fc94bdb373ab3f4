"""Loading and saving real files from a copy of testroot/ with the built-in Hosts and
Passwd lenses. Expected texts, paths and spans were recorded with libaugeas 1.14 (stock
lenses) on the same files. Skipped until the lenses are merged."""

import json
import subprocess
from pathlib import Path

import pytest

from augeas_rs import Augeas, AugeasIOError, AugeasValueError
from conftest import TESTROOT

HOSTS_LINE_9 = "10.0.0.10   ns1.corp.example.org  ns1 dns1"


def hosts_lines(root: Path):
    return (root / "etc/hosts").read_text().splitlines()


def test_load_hosts(aug):
    assert aug.get("/files/etc/hosts/1/ipaddr") == "127.0.0.1"
    assert aug.get("/files/etc/hosts/1/canonical") == "localhost"
    assert aug.match("/files/etc/hosts/4/alias") == [
        "/files/etc/hosts/4/alias[1]", "/files/etc/hosts/4/alias[2]"]
    assert aug.count("/files/etc/hosts/*") == 21
    assert aug.match("/augeas/files/etc/hosts/error") == []


def test_seed_set_alias_and_save(aug, root):
    """Seed example: add a third alias to an entry and save."""
    aug.set("/files/etc/hosts/4/alias[3]", "dns3")
    aug.save()
    assert hosts_lines(root)[8] == HOSTS_LINE_9 + " dns3"
    assert aug.match("/augeas/events/saved") == ["/augeas/events/saved"]
    assert aug.get("/augeas/events/saved") == "/files/etc/hosts"
    original = (TESTROOT / "etc/hosts").read_text().splitlines()
    assert [i for i, (a, b) in enumerate(zip(original, hosts_lines(root))) if a != b] == [8]


def test_seed_users_with_bin_false_shell(aug):
    """Seed example: the users whose shell is /bin/false."""
    paths = aug.match("/files/etc/passwd/*[shell='/bin/false']")
    assert paths == [
        "/files/etc/passwd/news", "/files/etc/passwd/postfix", "/files/etc/passwd/guest$"]
    assert [aug.label(p) for p in paths] == ["news", "postfix", "guest$"]
    assert [p for p, _ in aug.iter("/files/etc/passwd/*[shell='/bin/false']")] == paths


def test_save_overwrite_is_the_default(aug, root):
    aug.set("/files/etc/hosts/1/canonical", "localhost.localdomain")
    aug.save()
    assert hosts_lines(root)[3] == "127.0.0.1\tlocalhost.localdomain"
    assert not (root / "etc/hosts.augnew").exists()
    assert not (root / "etc/hosts.augsave").exists()


def test_save_backup(root):
    before = (root / "etc/hosts").read_text()
    with Augeas(root=str(root), flags=Augeas.SAVE_BACKUP) as a:
        a.set("/files/etc/hosts/1/canonical", "lh")
        a.save()
    assert (root / "etc/hosts.augsave").read_text() == before
    assert hosts_lines(root)[3] == "127.0.0.1\tlh"


def test_save_newfile(root):
    before = (root / "etc/hosts").read_text()
    with Augeas(root=str(root), flags=Augeas.SAVE_NEWFILE) as a:
        a.set("/files/etc/hosts/1/canonical", "lh")
        a.save()
    assert (root / "etc/hosts").read_text() == before
    assert (root / "etc/hosts.augnew").read_text().splitlines()[3] == "127.0.0.1\tlh"


def test_save_noop(root):
    before = (root / "etc/hosts").read_text()
    with Augeas(root=str(root), flags=Augeas.SAVE_NOOP) as a:
        a.set("/files/etc/hosts/1/canonical", "lh")
        a.save()
        assert a.get("/augeas/events/saved") == "/files/etc/hosts"
    assert (root / "etc/hosts").read_text() == before
    assert not (root / "etc/hosts.augnew").exists()


def test_save_mode_from_the_tree(aug, root):
    aug.set("/augeas/save", "newfile")
    aug.set("/files/etc/hosts/1/canonical", "lh")
    aug.save()
    assert (root / "etc/hosts.augnew").exists()


def test_save_without_changes_writes_nothing(aug, root):
    mtime = (root / "etc/hosts").stat().st_mtime_ns
    aug.save()
    assert (root / "etc/hosts").stat().st_mtime_ns == mtime
    assert aug.match("/augeas/events/saved") == []


def test_save_failure(aug, root):
    before = (root / "etc/hosts").read_text()
    aug.remove("/files/etc/hosts/1/ipaddr")
    with pytest.raises(AugeasIOError) as ei:
        aug.save()
    assert ei.value.message.startswith("Augeas.save() failed: ")
    assert aug.get("/augeas/files/etc/hosts/error") == "put_failed"
    assert (root / "etc/hosts").read_text() == before


def test_span(root):
    with Augeas(root=str(root), flags=Augeas.ENABLE_SPAN) as a:
        hosts = str(root / "etc/hosts")
        assert a.span("/files/etc/hosts/1/ipaddr") == (hosts, 0, 0, 105, 114, 105, 114)
        assert a.span("/files/etc/hosts/1") == (hosts, 0, 0, 0, 0, 105, 125)
        assert a.span("/files/etc/hosts/4/alias[2]") == (hosts, 0, 0, 280, 284, 279, 284)
        assert a.span("/files/etc/hosts") == (hosts, 0, 0, 0, 0, 0, 853)


def test_span_needs_enable_span(aug):
    with pytest.raises(AugeasValueError) as ei:
        aug.span("/files/etc/hosts/1/ipaddr")
    assert ei.value.error == Augeas.AUG_ENOSPAN


def test_text_store_and_retrieve_round_trip(aug):
    aug.set("/raw/hosts", "127.0.0.1 localhost\n")
    assert aug.text_store("Hosts.lns", "/raw/hosts", "/parsed") == 0
    assert aug.get("/parsed/1/ipaddr") == "127.0.0.1"
    assert aug.get("/parsed/1/canonical") == "localhost"
    aug.set("/parsed/1/canonical", "other")
    assert aug.text_retrieve("Hosts.lns", "/raw/hosts", "/parsed", "/out") == 0
    assert aug.get("/out") == "127.0.0.1 other\n"
    aug.text_store("Hosts.lns", "/out", "/parsed")
    assert aug.get("/parsed/1/canonical") == "other"


def test_text_store_of_bad_text(aug):
    aug.set("/raw/bad", "127.0.0.1\n")
    with pytest.raises(AugeasValueError) as ei:
        aug.text_store("Hosts.lns", "/raw/bad", "/parsed")
    assert ei.value.message.startswith("Augeas.text_store() failed: ")
    assert aug.get("/augeas/text/parsed/error") == "parse_failed"


def test_source_and_preview(aug, root):
    assert aug.source("/files/etc/hosts/1/ipaddr") == "/files/etc/hosts"
    assert aug.preview("/files/etc/hosts/1") == (root / "etc/hosts").read_text()
    aug.set("/files/etc/hosts/4/alias[3]", "dns3")
    assert aug.preview("/files/etc/hosts/4").splitlines()[8] == HOSTS_LINE_9 + " dns3"


def test_load_picks_up_changes_and_drops_edits(aug, root):
    aug.set("/files/etc/hosts/1/canonical", "edited")
    aug.load()
    assert aug.get("/files/etc/hosts/1/canonical") == "localhost"


def test_load_file(root):
    with Augeas(root=str(root), flags=Augeas.NO_LOAD) as a:
        assert a.match("/files/etc/hosts") == []
        a.load_file("/etc/hosts")
        assert a.get("/files/etc/hosts/1/ipaddr") == "127.0.0.1"
        assert a.match("/files/etc/passwd") == []


def test_clear_transforms_then_load_empties_files(aug):
    aug.clear_transforms()
    aug.load()
    assert aug.match("/files/etc/hosts") == []


def test_custom_transform(root):
    (root / "etc/hosts.local").write_text("10.1.1.1 box\n")
    with Augeas(root=str(root), flags=Augeas.NO_MODL_AUTOLOAD) as a:
        a.transform("Hosts", "/etc/hosts.local")
        a.load()
        assert a.match("/files/etc/*") == ["/files/etc/hosts.local"]
        assert a.get("/files/etc/hosts.local/1/canonical") == "box"


def test_ns_attr_reports_the_file(aug):
    assert aug.defvar("u", "/files/etc/passwd/*[shell='/bin/false']") == 3
    assert aug.ns_attr("u", 1) == (None, "postfix", "/files/etc/passwd")


PY_AUGEAS_LATIN1 = r"""
import augeas, json, sys
a = augeas.Augeas(root=sys.argv[1], flags=augeas.Augeas.NO_MODL_AUTOLOAD)
a.transform("Hosts", "/etc/hosts")
a.load()
out = {}
for p in ["/files/etc/hosts/#comment", "/files/etc/hosts/1/ipaddr"]:
    try:
        out[p] = ["ok", a.get(p)]
    except UnicodeDecodeError as e:
        out[p] = ["UnicodeDecodeError", e.object.hex()]
print(json.dumps(out))
"""


def test_r19_a_latin1_file_loads_and_reads_as_python_augeas(tmp_path: Path):
    """A hosts file with a Latin-1 comment loads; the comment's value cannot be decoded as
    UTF-8, so get() raises UnicodeDecodeError with the file's bytes, as python-augeas
    does; other values read as usual, and a save keeps the bytes."""
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    hosts = root / "etc" / "hosts"
    hosts.write_bytes(b"# caf\xe9\n127.0.0.1 localhost\n")
    a = Augeas(root=str(root), flags=Augeas.NO_MODL_AUTOLOAD)
    a.transform("Hosts", "/etc/hosts")
    a.load()
    ours = {}
    for p in ["/files/etc/hosts/#comment", "/files/etc/hosts/1/ipaddr"]:
        try:
            ours[p] = ["ok", a.get(p)]
        except UnicodeDecodeError as e:
            ours[p] = ["UnicodeDecodeError", e.object.hex()]
    assert ours["/files/etc/hosts/#comment"] == ["UnicodeDecodeError", b"caf\xe9".hex()]
    assert ours["/files/etc/hosts/1/ipaddr"] == ["ok", "127.0.0.1"]
    a.set("/files/etc/hosts/1/alias", "lh")
    a.save()
    assert hosts.read_bytes() == b"# caf\xe9\n127.0.0.1 localhost lh\n"
    # The same as python-augeas over libaugeas, where they are installed.
    try:
        res = subprocess.run(
            ["/usr/bin/python3", "-c", PY_AUGEAS_LATIN1, str(root)],
            capture_output=True,
            text=True,
            check=True,
        )
    except (FileNotFoundError, subprocess.CalledProcessError):
        pytest.skip("python-augeas is not installed")
    assert json.loads(res.stdout) == ours
