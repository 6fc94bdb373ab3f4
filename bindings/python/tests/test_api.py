"""python-augeas's API on a synthetic tree: return values of every method. Expected
values were checked against libaugeas 1.14 (python3-augeas and ctypes) on the same tree.
These tests need no lens."""

import os
import warnings

import pytest

import augeas_rs as augeas
from augeas_rs import Augeas


def test_constants_have_python_augeas_values():
    flags = ["NONE", "SAVE_BACKUP", "SAVE_NEWFILE", "TYPE_CHECK", "NO_STDINC", "SAVE_NOOP",
             "NO_LOAD", "NO_MODL_AUTOLOAD", "ENABLE_SPAN"]
    assert [getattr(Augeas, f) for f in flags] == [0, 1, 2, 4, 8, 16, 32, 64, 128]
    errors = ["AUG_NOERROR", "AUG_ENOMEM", "AUG_EINTERNAL", "AUG_EPATHX", "AUG_ENOMATCH",
              "AUG_EMMATCH", "AUG_ESYNTAX", "AUG_ENOLENS", "AUG_EMXFM", "AUG_ENOSPAN",
              "AUG_EMVDESC", "AUG_ECMDRUN", "AUG_EBADARG", "AUG_ELABEL", "AUG_ECPDESC"]
    assert [getattr(Augeas, e) for e in errors] == list(range(15))


def test_module_level_names():
    assert augeas.__all__[:2] == ["Augeas", "augeas"]
    assert augeas.AUGENC == "utf8"
    assert augeas.enc("x") == b"x" and augeas.enc(None) == b""
    assert augeas.dec(b"x") == "x"
    assert augeas.escape_name("a b") == "a\\ b"
    assert augeas.AUGEAS_VERSION == "1.14.0"


def test_constructor_sets_root_and_metadata(root):
    with Augeas(root=str(root), flags=Augeas.NO_LOAD) as a:
        assert a.get("/augeas/root") == str(root) + "/"
        assert a.get("/augeas/version") == "1.14.0"
        assert a.get("/augeas/save") == "overwrite"
        assert a.get("/augeas/span") == "disable"
    with Augeas(root=root, flags=Augeas.SAVE_BACKUP | Augeas.ENABLE_SPAN) as a:
        assert a.get("/augeas/save") == "backup"
        assert a.get("/augeas/span") == "enable"


def test_root_defaults_to_augeas_root(root, monkeypatch):
    monkeypatch.setenv("AUGEAS_ROOT", str(root))
    with Augeas() as a:
        assert a.get("/augeas/root") == str(root) + "/"


def test_loadpath_is_accepted(root):
    with Augeas(root=str(root), loadpath="/nonexistent:/also/not", flags=Augeas.NO_LOAD) as a:
        assert a.match("/files/*") == []


GOOD_AUG = """module Good =
  autoload xfm
  let lns = [ key /[a-z]+/ . del / = / " = " . store /[0-9]+/ . del /\\n/ "\\n" ]*
  let xfm = transform lns (incl "/etc/good")
"""

BROKEN_AUG = """module Broken =
  autoload xfm
  let lns = del /x/ "x" .
  let xfm = transform lns (incl "/etc/broken")
"""


def test_loadpath_modules_are_autoloaded(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "good.aug").write_text(GOOD_AUG)
    (lib / "broken.aug").write_text(BROKEN_AUG)
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "good").write_text("a = 1\n")
    loadpath = f"/nonexistent:{lib}"
    with Augeas(root=str(root), loadpath=loadpath, flags=Augeas.NO_STDINC) as a:
        assert a.get("/files/etc/good/a") == "1"
        assert "syntax error" in a.get("/augeas/load/Broken/error")
        a.set("/files/etc/good/b", "2")
        a.save()
    assert (root / "etc" / "good").read_text() == "a = 1\nb = 2\n"
    # Without the load path, nothing reads /etc/good.
    with Augeas(root=str(root), flags=Augeas.NO_STDINC) as a:
        assert a.match("/files/etc/good") == []


def test_constructor_type_errors():
    with pytest.raises(TypeError, match="root MUST be a string or None!"):
        Augeas(root=1)
    with pytest.raises(TypeError, match="loadpath MUST be a string or None!"):
        Augeas(loadpath=1)
    with pytest.raises(TypeError, match="flag MUST be a flag!"):
        Augeas(flags="x")


def test_get(bare):
    assert bare.get("/files/t/a") == "1"
    assert bare.get("/files/t/b[2]") == "3"
    assert bare.get("/files/t/nothing") is None
    assert bare.get("/files/t/n") is None
    assert bare.get("/files/t/e") == ""  # python-augeas 1.2: b''
    assert bare.get("t/a") == "1"  # relative to /augeas/context = /files


def test_label(bare):
    assert bare.label("/files/t/b[2]") == "b"
    assert bare.label("/files/t/*[last()]") == "n"
    assert bare.label("/files/nothing") is None


def test_set(bare):
    assert bare.set("/files/t/a", "new") is None
    assert bare.get("/files/t/a") == "new"
    bare.set("/files/t/x/y/z", "deep")
    assert bare.match("/files/t/x//*") == ["/files/t/x/y", "/files/t/x/y/z"]
    bare.set("/files/t/a", None)
    assert bare.get("/files/t/a") is None
    assert bare.match("/files/t/a") == ["/files/t/a"]


def test_setm(bare):
    assert bare.setm("/files/t/b", None, "s") == 2
    assert [bare.get(p) for p in bare.match("/files/t/b")] == ["s", "s"]
    assert bare.setm("/files/t/b", "sub", "v") == 2
    assert bare.match("/files/t/b/sub") == ["/files/t/b[1]/sub", "/files/t/b[2]/sub"]
    assert bare.setm("/files/t/nothing", "sub", "v") == 0
    assert bare.setm("/files/t/b", "sub", None) == 2
    assert bare.get("/files/t/b[1]/sub") is None


def test_defvar(bare):
    assert bare.defvar("bs", "/files/t/b") == 2
    assert bare.match("$bs") == ["/files/t/b[1]", "/files/t/b[2]"]
    assert bare.get("/augeas/variables/bs") == "/files/t/b"
    assert bare.defvar("n", "count(/files/t/*)") == 0
    assert bare.defvar("bs", None) == 0
    assert bare.match("/augeas/variables/bs") == []
    with pytest.raises(augeas.AugeasRuntimeError):
        bare.match("$bs")


def test_defnode(bare):
    assert bare.defnode("x", "/files/t/new", "v") == 1
    assert bare.get("$x") == "v"
    assert bare.get("/files/t/new") == "v"
    assert bare.defnode("bs", "/files/t/b", "ignored") == 2
    assert [bare.get(p) for p in bare.match("/files/t/b")] == ["2", "3"]
    assert bare.defnode("none", "/files/t/nil", None) == 1
    assert bare.get("/files/t/nil") is None


def test_move(bare):
    assert bare.move("/files/t/a", "/files/u/moved") is None
    assert bare.get("/files/u/moved") == "1"
    assert bare.match("/files/t/a") == []
    bare.move("/files/t/b[1]", "/files/t/e")
    assert bare.get("/files/t/e") == "2"


def test_copy(bare):
    assert bare.copy("/files/t/n", "/files/u") is None
    assert bare.get("/files/u/c") == "x"
    assert bare.get("/files/t/n/c") == "x"


def test_rename(bare):
    assert bare.rename("/files/t/b", "c") == 2
    assert bare.match("/files/t/c") == ["/files/t/c[1]", "/files/t/c[2]"]
    assert bare.rename("/files/t/nothing", "c") == 0


def test_insert(bare):
    assert bare.insert("/files/t/a", "before_a") is None
    bare.insert("/files/t/a", "after_a", before=False)
    assert bare.match("/files/t/*")[:3] == [
        "/files/t/before_a", "/files/t/a", "/files/t/after_a"]
    assert bare.get("/files/t/before_a") is None


def test_remove(bare):
    assert bare.remove("/files/t/n") == 2  # descendants count too
    assert bare.remove("/files/t/b") == 2
    assert bare.remove("/files/t/nothing") == 0
    assert bare.remove("/files/t[") == -1  # python-augeas returns -1, never raises


def test_match(bare):
    assert bare.match("/files/t/*") == [
        "/files/t/a", "/files/t/b[1]", "/files/t/b[2]", "/files/t/e", "/files/t/n"]
    assert bare.match("/files/t/*[. = '3']") == ["/files/t/b[2]"]
    assert bare.match("/nothing") == []
    bare.set("/files/t/with space", "s")
    assert bare.match("/files/t/with\\ space") == ["/files/t/with\\ space"]


def test_ns_accessors(bare):
    assert bare.defvar("all", "/files/t/*") == 5
    assert bare.ns_count("all") == 5
    assert bare.ns_value("all", 0) == "1"
    assert bare.ns_value("all", 4) is None
    assert bare.ns_label("all", 1) == ("b", 1)
    assert bare.ns_label("all", 2) == ("b", 2)
    assert bare.ns_label("all", 0) == ("a", 0)
    assert bare.ns_path("all", 2) == "/files/t/b[2]"
    assert bare.ns_attr("all", 2) == ("3", "b", None)


def test_clear_touch_count_print(bare):
    bare.clear("/files/t/a")
    assert bare.get("/files/t/a") is None
    bare.touch("/files/t/a")
    bare.touch("/files/t/new")
    assert bare.count("/files/t/*") == 6
    assert bare.print("/files/t/n") == '/files/t/n\n/files/t/n/c = "x"\n'
    assert bare.print("/files/nothing") == ""
    assert bare.print().startswith("/augeas")


def test_transforms(root):
    with Augeas(root=str(root), flags=Augeas.NO_LOAD | Augeas.NO_MODL_AUTOLOAD) as a:
        assert a.match("/augeas/load/*") == []
        assert a.transform("Hosts", "/etc/hosts") is None
        a.transform("Hosts.lns", "/etc/hosts.bak", excl=True)
        assert a.get("/augeas/load/Hosts/lens") == "Hosts.lns"
        assert a.match("/augeas/load/Hosts/incl") == ["/augeas/load/Hosts/incl"]
        assert a.get("/augeas/load/Hosts/excl") == "/etc/hosts.bak"
        a.add_transform("Passwd.lns", ["/etc/passwd", "/etc/passwd-"], excl="*.bak")
        assert [a.get(p) for p in a.match("/augeas/load/Passwd/incl")] == [
            "/etc/passwd", "/etc/passwd-"]
        assert a.get("/augeas/load/Passwd/excl") == "*.bak"
        with pytest.warns(DeprecationWarning):
            a.add_transform("Cron.lns", "/etc/crontab", name="cron")
        a.clear_transforms()
        assert a.match("/augeas/load/*") == []
        with pytest.raises(TypeError, match="excl MUST be a boolean!"):
            a.transform("Hosts", "/etc/hosts", excl=1)


def test_close_is_idempotent_and_later_calls_fail(root):
    a = Augeas(root=str(root), flags=Augeas.NO_LOAD)
    assert not a.closed
    a.close()
    a.close()
    assert a.closed
    for call in (lambda: a.get("/x"), lambda: a.set("/x", "1"), a.save, a.load,
                 lambda: a.match("/*"), lambda: a.span("/x"), lambda: a.remove("/x"),
                 lambda: a.ns_count("x"), lambda: a.tree("/x")):
        with pytest.raises(RuntimeError, match="The Augeas object has already been closed!"):
            call()


def test_context_manager_closes(root):
    with Augeas(root=str(root), flags=Augeas.NO_LOAD) as a:
        a.set("/files/x", "1")
    assert a.closed
    with pytest.raises(RuntimeError):
        a.get("/files/x")


def test_argument_type_errors(bare):
    with pytest.raises(TypeError, match="path MUST be a string!"):
        bare.get(1)
    with pytest.raises(TypeError, match="value MUST be a string or None!"):
        bare.set("/x", 1)
    with pytest.raises(TypeError, match="sub MUST be a string or None!"):
        bare.setm("/x", 1, None)
    with pytest.raises(TypeError, match="index MUST be an integer!"):
        bare.ns_value("x", "0")
    with pytest.raises(TypeError, match="out MUST be a file!"):
        bare.srun(None, "get /x")


def test_deprecated_alias_class(root):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        a = augeas.augeas(root=str(root), flags=Augeas.NO_LOAD)
    assert any(issubclass(x.category, DeprecationWarning) for x in w)
    assert isinstance(a, Augeas)
    a.close()


def test_escape_name_method(bare):
    assert bare.escape_name("mail function") == "mail\\ function"


def test_root_is_a_copy(root):
    # The fixture never hands out the repository's testroot itself.
    assert "testroot" not in os.fspath(root).split(os.sep)[-1]
