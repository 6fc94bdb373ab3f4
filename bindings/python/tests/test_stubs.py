"""The .pyi stubs agree with the runtime (mypy.stubtest), when mypy is installed."""

import subprocess
import sys

import pytest


def test_stubs_match_runtime():
    pytest.importorskip("mypy")
    r = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "augeas_rs"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_py_typed_is_shipped():
    import importlib.resources

    assert importlib.resources.files("augeas_rs").joinpath("py.typed").is_file()
