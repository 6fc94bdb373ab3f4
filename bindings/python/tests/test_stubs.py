"""The .pyi stubs agree with the runtime (mypy.stubtest), when mypy is installed."""

import subprocess
from pathlib import Path
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


def test_implementation_type_checks(tmp_path):
    """The pure-Python code passes mypy --strict (checked without the __init__ stub,
    which would otherwise hide the implementation)."""
    pytest.importorskip("mypy")
    import shutil

    import augeas_rs

    src = Path(augeas_rs.__file__).parent
    pkg = tmp_path / "augeas_rs"
    pkg.mkdir()
    for name in ("__init__.py", "_augeas_rs.pyi", "py.typed"):
        shutil.copy(src / name, pkg / name)
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "augeas_rs"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
