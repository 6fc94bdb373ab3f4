"""Smoke tests of the compiled module."""

import augeas_rs


def test_escape_name_matches_augeas():
    assert augeas_rs.escape_name("mail function") == "mail\\ function"
    assert augeas_rs.escape_name("plain") == "plain"


def test_version_is_exposed():
    assert augeas_rs.__version__.count(".") == 2
