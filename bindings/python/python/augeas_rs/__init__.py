"""augeas_rs: a pure-Rust Augeas, meant as a drop-in replacement for python-augeas."""

from ._augeas_rs import __version__, escape_name

__all__ = ["__version__", "escape_name"]
