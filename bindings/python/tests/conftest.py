"""Shared fixtures: temp copies of the repository's testroot/ (never written to)."""

import shutil
from pathlib import Path

import pytest

import augeas_rs

TESTROOT = Path(__file__).resolve().parents[3] / "testroot"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh copy of testroot/ to load from and save into."""
    dst = tmp_path / "root"
    shutil.copytree(TESTROOT, dst, symlinks=True)
    return dst


@pytest.fixture
def aug(root: Path):
    """A handle on the copied root, closed after the test."""
    a = augeas_rs.Augeas(root=str(root))
    yield a
    a.close()


@pytest.fixture
def bare(root: Path):
    """A handle that loads nothing, with a small synthetic tree under /files/t:
    a = "1", b[1] = "2", b[2] = "3", e = "" and n (no value) with child c = "x"."""
    a = augeas_rs.Augeas(root=str(root), flags=augeas_rs.Augeas.NO_LOAD)
    a.set("/files/t/a", "1")
    a.set("/files/t/b", "2")
    a.insert("/files/t/b", "b", False)
    a.set("/files/t/b[2]", "3")
    a.set("/files/t/e", "")
    a.set("/files/t/n/c", "x")
    yield a
    a.close()
