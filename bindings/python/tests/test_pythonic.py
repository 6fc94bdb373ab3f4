"""The layer beyond python-augeas: tree(), iter(), count(), the context manager."""

import pytest

from augeas_rs import VALUE_KEY, Augeas


def test_tree_of_a_leaf_is_its_value(bare):
    assert bare.tree("/files/t/a") == "1"
    assert bare.tree("/files/t/e") == ""
    assert bare.tree("/files/nothing") is None


def test_tree_nests_dicts_and_lists(bare):
    assert bare.tree("/files/t") == {
        "a": "1",
        "b": ["2", "3"],
        "e": "",
        "n": {"c": "x"},
    }


def test_tree_keeps_the_value_of_an_inner_node(bare):
    bare.set("/files/t/n", "inner")
    assert bare.tree("/files/t/n") == {VALUE_KEY: "inner", "c": "x"}


def test_iter_yields_paths_and_values(bare):
    assert list(bare.iter("/files/t/*")) == [
        ("/files/t/a", "1"),
        ("/files/t/b[1]", "2"),
        ("/files/t/b[2]", "3"),
        ("/files/t/e", ""),
        ("/files/t/n", None),
    ]
    assert list(bare.iter("/files/nothing")) == []


def test_iter_snapshot_allows_edits_while_iterating(bare):
    for path, value in bare.iter("/files/t/b"):
        bare.set(path, value + "!")
    assert [v for _, v in bare.iter("/files/t/b")] == ["2!", "3!"]


def test_count(bare):
    assert bare.count("/files/t/b") == 2
    assert bare.count("/files/nothing") == 0


def test_tree_of_a_hosts_entry(aug):
    assert aug.tree("/files/etc/hosts/4") == {
        "ipaddr": "10.0.0.10",
        "canonical": "ns1.corp.example.org",
        "alias": ["ns1", "dns1"],
    }


def test_iter_over_passwd_shells(aug):
    shells = dict(aug.iter("/files/etc/passwd/root/shell"))
    assert shells == {"/files/etc/passwd/root/shell": "/bin/bash"}


def test_with_statement(root):
    with Augeas(root=str(root), flags=Augeas.NO_LOAD) as a:
        assert not a.closed
    assert a.closed
    assert repr(a) == "<augeas_rs.Augeas (closed)>"


def test_tree_of_a_nis_entry_keeps_its_value(aug):
    assert aug.tree("/files/etc/passwd/@+nisuser[1]") == {
        VALUE_KEY: "dave",
        "name": "Dave from NIS",
        "home": "/home/dave",
        "shell": "/bin/zsh",
    }
