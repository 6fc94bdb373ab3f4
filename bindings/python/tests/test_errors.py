"""Every exception: its class, code, parts and python-augeas's message format
("Augeas.<method>() failed: <msg>[: <minor>][: <details>]"). The codes, messages, minor
messages and details were recorded with libaugeas 1.14 on the same tree."""

import pytest

import augeas_rs as augeas
from augeas_rs import Augeas, AugeasIOError, AugeasRuntimeError, AugeasValueError

MMATCH = "Too many matches for path expression"
NOMATCH = "No match for path expression"
PATHX = "Invalid path expression"


def check(exc_info, cls, code, msg, minor, details, message):
    e = exc_info.value
    assert type(e) is cls
    assert (e.error, e.msg, e.minor, e.details) == (code, msg, minor, details)
    assert e.message == message
    assert str(e) == message


def test_exception_classes_match_python_augeas():
    assert issubclass(AugeasIOError, IOError)
    assert issubclass(AugeasRuntimeError, RuntimeError)
    assert issubclass(AugeasValueError, ValueError)
    for cls in (AugeasIOError, AugeasRuntimeError, AugeasValueError):
        assert issubclass(cls, augeas.AugeasError)
        e = cls(5, "full", "msg", None, "det")
        assert (e.message, e.error, e.msg, e.minor, e.details) == (
            "full", 5, "msg", None, "det")
        assert str(e) == "full"


def test_get_several_matches(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.get("/files/t/*")
    check(ei, AugeasValueError, Augeas.AUG_EMMATCH, MMATCH, None,
          "There are 5 nodes matching /files/t/*",
          f"Augeas.get() failed: {MMATCH}: There are 5 nodes matching /files/t/*")


def test_get_invalid_path(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.get("/files/t[")
    check(ei, AugeasValueError, Augeas.AUG_EPATHX, PATHX, "illegal string literal",
          "/files/t[|=|",
          f"Augeas.get() failed: {PATHX}: illegal string literal: /files/t[|=|")


def test_label_several_matches(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.label("/files/t/b")
    check(ei, AugeasValueError, 5, MMATCH, None, "There are 2 nodes matching /files/t/b",
          f"Augeas.label() failed: {MMATCH}: There are 2 nodes matching /files/t/b")


def test_set_several_matches(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.set("/files/t/b", "x")
    assert ei.value.error == Augeas.AUG_EMMATCH
    assert ei.value.message.startswith(f"Augeas.set() failed: {MMATCH}")


def test_set_invalid_path(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.set("/files/t/]", "x")
    check(ei, AugeasValueError, 3, PATHX, "empty name", "/files/t/|=|]",
          f"Augeas.set() failed: {PATHX}: empty name: /files/t/|=|]")


def test_setm_invalid_path(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.setm("/files/t/*[", None, "x")
    check(ei, AugeasValueError, 3, PATHX, "illegal string literal", "/files/t/*[|=|",
          f"Augeas.setm() failed: {PATHX}: illegal string literal: /files/t/*[|=|")


def test_move_into_descendant(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.move("/files/t", "/files/t/a/x")
    msg = "Cannot move node into its descendant"
    det = "destination /files/t/a/x is a descendant of /files/t"
    check(ei, AugeasValueError, Augeas.AUG_EMVDESC, msg, None, det,
          f"Augeas.move() failed: {msg}: {det}")


def test_move_errors(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.move("/files/t/*", "/files/x")
    assert ei.value.error == Augeas.AUG_EMMATCH
    with pytest.raises(AugeasValueError) as ei:
        bare.move("/files/nothing", "/files/x")
    assert ei.value.error == Augeas.AUG_ENOMATCH
    assert ei.value.message.startswith(f"Augeas.move() failed: {NOMATCH}")


def test_copy_into_descendant(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.copy("/files/t", "/files/t/a/x")
    msg = "Cannot copy node into its descendant"
    det = "destination /files/t/a/x is a descendant of /files/t"
    check(ei, AugeasValueError, Augeas.AUG_ECPDESC, msg, None, det,
          f"Augeas.copy() failed: {msg}: {det}")


def test_rename_invalid_label(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.rename("/files/t/a", "x/y")
    check(ei, AugeasValueError, Augeas.AUG_ELABEL, "Invalid label", None,
          "Label x/y contains a /",
          "Augeas.rename() failed: Invalid label: Label x/y contains a /")


def test_insert_errors(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.insert("/files/nothing", "x")
    assert ei.value.error == Augeas.AUG_ENOMATCH
    assert ei.value.message.startswith(f"Augeas.insert() failed: {NOMATCH}")
    with pytest.raises(AugeasValueError) as ei:
        bare.insert("/files/t/b", "x")
    assert ei.value.error == Augeas.AUG_EMMATCH
    with pytest.raises(AugeasValueError) as ei:
        bare.insert("/files/t/a", "x/y")
    assert ei.value.message.startswith("Augeas.insert() failed: ")


def test_defvar_invalid_path(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.defvar("v", "/files/t[")
    check(ei, AugeasValueError, 3, PATHX, "illegal string literal", "/files/t[|=|",
          f"Augeas.defvar() failed: {PATHX}: illegal string literal: /files/t[|=|")


def test_defnode_invalid_path(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.defnode("v", "/files/t[", "x")
    assert ei.value.error == Augeas.AUG_EPATHX
    assert ei.value.message.startswith(f"Augeas.defnode() failed: {PATHX}")


def test_match_errors_include_the_path(bare):
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.match("/files/t[")
    check(ei, AugeasRuntimeError, 3, PATHX, "illegal string literal", "/files/t[|=|",
          f"Augeas.match() failed: /files/t[: {PATHX}: illegal string literal: /files/t[|=|")
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.match("$nope")
    check(ei, AugeasRuntimeError, 3, PATHX, "undefined variable", "$nope|=|",
          f"Augeas.match() failed: $nope: {PATHX}: undefined variable: $nope|=|")


def test_span_without_spans(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.span("/files/t/a")
    assert ei.value.error == Augeas.AUG_ENOSPAN
    assert ei.value.msg == "Node has no span info"
    assert ei.value.message.startswith("Augeas.span() failed: Node has no span info")
    with pytest.raises(AugeasValueError) as ei:
        bare.span("/files/nothing")
    assert ei.value.error == Augeas.AUG_ENOMATCH


def test_source_errors(bare):
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.source("/files/t/*")
    check(ei, AugeasRuntimeError, 5, MMATCH, None, "There are 5 nodes matching /files/t/*",
          f"Augeas.source() failed: {MMATCH}: There are 5 nodes matching /files/t/*")
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.source("/files/nothing")
    assert ei.value.error == Augeas.AUG_ENOMATCH
    assert bare.source("/files/t/a") is None


def test_load_file_without_lens(bare):
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.load_file("/etc/nope")
    check(ei, AugeasRuntimeError, Augeas.AUG_ENOLENS, "Lens not found", None,
          "can not determine lens to load file /etc/nope",
          "Augeas.load_file() failed: Lens not found: "
          "can not determine lens to load file /etc/nope")


def test_text_store_unknown_lens(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.text_store("Nope.lns", "/files/t/a", "/t")
    check(ei, AugeasValueError, Augeas.AUG_ENOLENS, "Lens not found", None,
          "Can not find lens Nope.lns",
          "Augeas.text_store() failed: Lens not found: Can not find lens Nope.lns")


def test_text_retrieve_unknown_lens(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.text_retrieve("Nope.lns", "/files/t/a", "/files/t", "/out")
    assert ei.value.error == Augeas.AUG_ENOLENS
    assert ei.value.message.startswith("Augeas.text_retrieve() failed: Lens not found")


def test_ns_errors(bare):
    bare.defvar("all", "/files/t/*")
    bare.defvar("s", "'str'")
    for call, name in ((lambda: bare.ns_value("all", 9), "ns_value"),
                       (lambda: bare.ns_attr("all", 9), "ns_attr"),
                       (lambda: bare.ns_label("all", 9), "ns_label"),
                       (lambda: bare.ns_path("all", 9), "ns_path")):
        with pytest.raises(AugeasRuntimeError) as ei:
            call()
        check(ei, AugeasRuntimeError, 4, NOMATCH, None, "Node all[9] does not exist",
              f"Augeas.{name}() failed: {NOMATCH}: Node all[9] does not exist")
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.ns_value("all", -1)
    assert ei.value.details == "Node all[-1] does not exist"
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.ns_attr("s", 0)
    assert ei.value.error == Augeas.AUG_ENOMATCH
    for var in ("s", "undefined"):
        with pytest.raises(AugeasRuntimeError) as ei:
            bare.ns_count(var)
        assert ei.value.error == Augeas.AUG_ENOMATCH
        assert ei.value.message.startswith(f"Augeas.ns_count() failed: {NOMATCH}: Variable")


def test_preview_outside_files(bare):
    with pytest.raises(AugeasRuntimeError) as ei:
        bare.preview("/files/t/a")
    det = "Path /files/t/a is not associated with a file"
    msg = "Invalid argument in function call"
    check(ei, AugeasRuntimeError, Augeas.AUG_EBADARG, msg, None, det,
          f"Augeas.preview() failed: {msg}: {det}")


def test_save_failure_raises_ioerror(root):
    with Augeas(root=str(root), flags=Augeas.NO_LOAD) as a:
        a.set("/augeas/save", "bogus")
        with pytest.raises(AugeasIOError) as ei:
            a.save()
    assert ei.value.message.startswith("Augeas.save() failed: ")
    assert isinstance(ei.value, IOError)


def test_tree_several_matches(bare):
    with pytest.raises(AugeasValueError) as ei:
        bare.tree("/files/t/b")
    assert ei.value.error == Augeas.AUG_EMMATCH
    assert ei.value.message == (
        f"Augeas.tree() failed: {MMATCH}: There are 2 nodes matching /files/t/b")


def test_r19_a_failed_save_says_why(root):
    """A save that fails raises AugeasIOError naming the file, the failure and the lens's
    message, not only that something went wrong."""
    from augeas_rs import Augeas, AugeasIOError

    a = Augeas(root=str(root))
    a.set("/files/etc/hosts/1/ipaddr", None)
    with pytest.raises(AugeasIOError) as ei:
        a.save()
    msg = str(ei.value)
    assert "/etc/hosts: put_failed: Can not store a nonexistent (NULL) value" in msg, msg
