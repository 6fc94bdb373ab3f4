"""augeas_rs: a pure-Rust Augeas, usable as a drop-in replacement for python-augeas.

Use it as ``import augeas_rs as augeas``; ``augeas.Augeas`` follows the API of
python-augeas 1.2 (constructor, flag and error-code constants, every method, the three
exception classes and their message format). The files are read with the lenses built
into aug-rs (Hosts, Passwd, Cron, Logrotate; see ``augeas_rs.builtin_modules()``) and the
``.aug`` modules of the load path.

Example::

    import augeas_rs as augeas

    with augeas.Augeas(root="/tmp/root") as aug:
        aug.set("/files/etc/hosts/1/alias[last()+1]", "myhost")
        aug.save()
        for path, value in aug.iter("/files/etc/passwd/*[shell='/bin/false']"):
            print(path)

On top of python-augeas's API there is a small Pythonic layer: :meth:`Augeas.tree`
(a subtree as nested dicts and lists), :meth:`Augeas.iter` (``(path, value)`` pairs),
:meth:`Augeas.count`, :meth:`Augeas.clear`, :meth:`Augeas.touch`, :meth:`Augeas.print`,
the :attr:`Augeas.closed` property, and use as a context manager (``with`` closes the
handle). :class:`AugeasError` is a common base of the three exception classes.

Deliberate differences from python-augeas, each fixing a plain bug there:

* ``get()`` and ``label()`` of a node whose value is ``""`` return ``""``, not ``b''``.
* ``set(path, None)``, ``setm(base, sub, None)`` and ``defnode(name, expr, None)`` store
  no value (NULL), as the docstrings promise; python-augeas 1.2 stores ``""``.
  ``setm(base, None, value)`` changes the ``base`` nodes themselves, and
  ``defvar(name, None)`` removes the variable (1.2 passes ``""`` to libaugeas instead).
* ``get()`` with several matches raises :class:`AugeasValueError` (code
  ``AUG_EMMATCH``), like python-augeas 1.2; python-augeas 0.5 (Debian's python3-augeas)
  returned ``None``.
* ``srun()`` treats ``quit`` as the end of the commands, not as a failure (1.2 raised
  ``"Augeas.srun() failed (-2): No error"``), and writes with ``out.write(str)``, so any
  text or binary file-like object works, not only real files. It implements a subset of
  augtool's commands; see :meth:`Augeas.srun`.
* ``ns_count()`` of an undefined or non-node-set variable raises with code
  ``AUG_ENOMATCH`` and a message saying so (libaugeas reports "No error").

Other differences:

* The built-in lenses (Hosts, Passwd, Cron, Logrotate) win over the modules of the same
  name on ``loadpath``; ``NO_STDINC`` does not hide them. A module of the load path that
  fails to load is reported under ``/augeas/load/NAME/error`` instead of failing the
  constructor.
* A failed ``save()`` raises with code ``AUG_EINTERNAL``, minor message "saving failed
  (run 'errors' for details)" and the failed files as details (libaugeas reports "No
  error"); the per-file errors are under ``/augeas/files/<file>/error`` as usual.
* Some errors carry details where libaugeas has none (e.g. ``insert`` with several
  matches says how many nodes matched).
* ``AUG_EFILEACCESS`` (15) is defined as well, and ``root`` may be an ``os.PathLike``.

Threads: a handle may be used from any thread. Calls on one handle are serialised; the
constructor, ``load``, ``load_file`` and ``save`` run with the GIL released.
"""

from __future__ import annotations

import os
import warnings
from typing import IO, Any, Dict, Iterator, List, NoReturn, Optional, Tuple, Type, Union

from . import _augeas_rs
from ._augeas_rs import AUGEAS_VERSION, __version__, builtin_modules, escape_name

__all__ = [
    "Augeas",
    "augeas",
    "AugeasError",
    "AugeasIOError",
    "AugeasRuntimeError",
    "AugeasValueError",
    "AUGEAS_VERSION",
    "VALUE_KEY",
    "__version__",
    "builtin_modules",
    "escape_name",
]

#: The text encoding python-augeas uses (kept for compatibility).
AUGENC = "utf8"
#: Always true; kept for compatibility with python-augeas.
PY3 = True
#: The string type; kept for compatibility with python-augeas.
string_types = str

#: The key under which :meth:`Augeas.tree` puts the value of a node that also has
#: children. No label can be ``"/"``, so it never clashes with a child.
VALUE_KEY = "/"

Tree = Union[None, str, Dict[str, Any]]


def enc(st: Optional[str]) -> bytes:
    """Encodes ``st`` as UTF-8; ``None`` and ``""`` give ``b''`` (python-augeas helper)."""
    if st:
        return st.encode(AUGENC)
    return b""


def dec(st: Optional[bytes]) -> Union[str, bytes]:
    """Decodes UTF-8 bytes; empty input gives ``b''`` (python-augeas helper, kept as is)."""
    if st:
        return st.decode(AUGENC)
    return b""


class AugeasError(Exception):
    """Common base of the three exception classes (not in python-augeas).

    Attributes, as in python-augeas: ``message`` (the full message), ``error`` (the
    Augeas error code, e.g. ``Augeas.AUG_EMMATCH``), ``msg`` (Augeas's message for the
    code), ``minor`` and ``details`` (``None`` when absent).
    """

    def __init__(
        self,
        ec: int,
        fullmessage: str,
        msg: str,
        minor: Optional[str],
        details: Optional[str],
        *args: object,
    ) -> None:
        self.message = fullmessage
        super().__init__(fullmessage, *args)
        self.error = ec
        self.msg = msg
        self.minor = minor
        self.details = details


class AugeasIOError(AugeasError, IOError):
    """Raised when saving fails (``Augeas.save``)."""


class AugeasRuntimeError(AugeasError, RuntimeError):
    """Raised by match, load, load_file, source, srun, preview, transform and ns_*."""


class AugeasValueError(AugeasError, ValueError):
    """Raised by get, label, set, setm, defvar, defnode, move, copy, rename, insert,
    span, text_store and text_retrieve."""


_Handle = _augeas_rs.PyAugeas


def _raise(cls: Type[AugeasError], errmsg: str, err: _augeas_rs.Error) -> NoReturn:
    """Raises ``cls`` with python-augeas's message format for the handle error ``err``."""
    ec, msg, minor, details = err.args
    if ec == Augeas.AUG_ENOMEM:
        raise MemoryError()
    full = errmsg + ": " + msg
    if minor:
        full += ": " + minor
    if details:
        full += ": " + details
    raise cls(ec, full, msg, minor, details) from None


def _check_str(value: object, name: str) -> None:
    """python-augeas's TypeError for a non-string argument."""
    if not isinstance(value, str):
        raise TypeError(f"{name} MUST be a string!")


def _check_opt_str(value: object, name: str) -> None:
    """python-augeas's TypeError for an argument that must be a string or None."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} MUST be a string or None!")


def _check_index(value: object) -> None:
    """python-augeas's TypeError for a non-integer index."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("index MUST be an integer!")


class Augeas:
    """An Augeas handle: the files under ``root`` parsed into a tree, edited with path
    expressions and written back with :meth:`save`.

    :param root: the filesystem root; ``None`` means ``$AUGEAS_ROOT``, else ``/``.
    :param loadpath: colon-separated directories of ``.aug`` modules, searched before
        ``$AUGEAS_LENS_LIB`` and the standard directories (unless ``NO_STDINC``), whose
        ``autoload`` transforms are added to the built-in lenses.
    :param flags: a combination of the flag constants, e.g. ``Augeas.SAVE_BACKUP``.

    A handle may be shared between threads: calls are serialised, and :meth:`load`,
    :meth:`save` and the constructor release the GIL while they work.
    """

    #: No flags.
    NONE = 0
    #: Keep the original file with a ``.augsave`` extension.
    SAVE_BACKUP = 1 << 0
    #: Save changes into a file with extension ``.augnew``; wins over SAVE_BACKUP.
    SAVE_NEWFILE = 1 << 1
    #: Typecheck lenses (accepted; the built-in lenses are checked when built).
    TYPE_CHECK = 1 << 2
    #: Do not search the standard module directories (/usr/share/augeas/lenses{,/dist}).
    NO_STDINC = 1 << 3
    #: Make save a no-op: only record what would have changed.
    SAVE_NOOP = 1 << 4
    #: Do not load the tree when the handle is created.
    NO_LOAD = 1 << 5
    #: Do not set up the built-in lenses' autoload transforms.
    NO_MODL_AUTOLOAD = 1 << 6
    #: Track the span in the input of nodes.
    ENABLE_SPAN = 1 << 7

    #: No error.
    AUG_NOERROR = 0
    #: Out of memory.
    AUG_ENOMEM = 1
    #: Internal error.
    AUG_EINTERNAL = 2
    #: Invalid path expression.
    AUG_EPATHX = 3
    #: No match for a path expression.
    AUG_ENOMATCH = 4
    #: Too many matches for a path expression.
    AUG_EMMATCH = 5
    #: Syntax error in a lens definition.
    AUG_ESYNTAX = 6
    #: Lens not found.
    AUG_ENOLENS = 7
    #: Multiple transforms for one file.
    AUG_EMXFM = 8
    #: Node has no span info.
    AUG_ENOSPAN = 9
    #: Cannot move a node into its descendant.
    AUG_EMVDESC = 10
    #: Failed to execute a command.
    AUG_ECMDRUN = 11
    #: Invalid argument in a function call.
    AUG_EBADARG = 12
    #: Invalid label.
    AUG_ELABEL = 13
    #: Cannot copy a node into its descendant.
    AUG_ECPDESC = 14
    #: Cannot access a file (not in python-augeas).
    AUG_EFILEACCESS = 15

    def __init__(
        self,
        root: Optional[Union[str, "os.PathLike[str]"]] = None,
        loadpath: Optional[str] = None,
        flags: int = NONE,
    ) -> None:
        if root is not None and not isinstance(root, (str, os.PathLike)):
            raise TypeError("root MUST be a string or None!")
        if not isinstance(loadpath, str) and loadpath is not None:
            raise TypeError("loadpath MUST be a string or None!")
        if not isinstance(flags, int):
            raise TypeError("flag MUST be a flag!")
        self.__handle: Optional[_Handle] = None
        self.__handle = _Handle(os.fspath(root) if root else None, flags, loadpath)

    # -- plumbing -----------------------------------------------------------------

    def _h(self) -> _Handle:
        """The raw handle; RuntimeError once closed."""
        h = self.__handle
        if h is None or h.closed:
            raise RuntimeError("The Augeas object has already been closed!")
        return h

    def __enter__(self) -> "Augeas":
        """Returns the handle itself; leaving the ``with`` block closes it."""
        self._h()
        return self

    def __exit__(self, *exc: object) -> None:
        """Closes the handle."""
        self.close()

    def __repr__(self) -> str:
        """``<augeas_rs.Augeas (open)>`` or ``(closed)``."""
        state = "closed" if self.closed else "open"
        return f"<augeas_rs.Augeas ({state})>"

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self.__handle is None or self.__handle.closed

    # -- python-augeas API ---------------------------------------------------------

    def get(self, path: str) -> Optional[str]:
        """The value of the node `path` matches; ``None`` if nothing matches or the node
        has no value. More than one match raises :class:`AugeasValueError`."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.get(path)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.get() failed", e)

    def label(self, path: str) -> Optional[str]:
        """The label of the node `path` matches; ``None`` if nothing matches. More than
        one match raises :class:`AugeasValueError`."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.label(path)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.label() failed", e)

    def set(self, path: str, value: Optional[str]) -> None:
        """Sets the value of the node `path` matches to `value` (``None``: no value),
        creating it and missing ancestors if nothing matches. More than one match raises
        :class:`AugeasValueError`."""
        _check_str(path, "path")
        _check_opt_str(value, "value")
        h = self._h()
        try:
            h.set(path, value)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.set() failed", e)

    def setm(self, base: str, sub: Optional[str], value: Optional[str]) -> int:
        """Sets `sub` (a path relative to each node `base` matches, created if missing;
        ``None`` means the base nodes themselves) to `value`. Returns how many nodes
        were changed."""
        _check_str(base, "base")
        _check_opt_str(sub, "sub")
        _check_opt_str(value, "value")
        h = self._h()
        try:
            return h.setm(base, sub, value)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.setm() failed", e)

    def text_store(self, lens: str, node: str, path: str) -> int:
        """Parses the value of `node` with `lens` (e.g. ``"Hosts.lns"``) and stores the
        tree at `path`, replacing what was there. Returns 0."""
        _check_str(lens, "lens")
        _check_str(node, "node")
        _check_str(path, "path")
        h = self._h()
        try:
            h.text_store(lens, node, path)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.text_store() failed", e)
        return 0

    def text_retrieve(self, lens: str, node_in: str, path: str, node_out: str) -> int:
        """Writes the tree at `path` with `lens`, taking the value of `node_in` as the
        original text, and stores the text as the value of `node_out`. Returns 0."""
        _check_str(lens, "lens")
        _check_str(node_in, "node_in")
        _check_str(path, "path")
        _check_str(node_out, "node_out")
        h = self._h()
        try:
            h.text_retrieve(lens, node_in, path, node_out)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.text_retrieve() failed", e)
        return 0

    def defvar(self, name: str, expr: Optional[str]) -> int:
        """Defines the variable `name` (used as ``$name``) as the result of `expr`, or
        removes it when `expr` is ``None``. Returns the number of nodes for a node set,
        else 0."""
        _check_str(name, "name")
        _check_opt_str(expr, "expr")
        h = self._h()
        try:
            return h.defvar(name, expr)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.defvar() failed", e)

    def defnode(self, name: str, expr: str, value: Optional[str]) -> int:
        """Defines `name` as the nodes `expr` matches; if none does, creates one with
        `value` (like ``set(expr, value)``). Returns the number of nodes."""
        _check_str(name, "name")
        _check_str(expr, "expr")
        _check_opt_str(value, "value")
        h = self._h()
        try:
            return h.defnode(name, expr, value)[0]
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.defnode() failed", e)

    def move(self, src: str, dst: str) -> None:
        """Moves the node `src` (exactly one match) to `dst`, which is replaced if it
        exists and created (with missing ancestors) otherwise."""
        _check_str(src, "src")
        _check_str(dst, "dst")
        h = self._h()
        try:
            h.mv(src, dst)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.move() failed", e)

    def copy(self, src: str, dst: str) -> None:
        """Copies the node `src` (exactly one match) to `dst`, like :meth:`move`."""
        _check_str(src, "src")
        _check_str(dst, "dst")
        h = self._h()
        try:
            h.cp(src, dst)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.copy() failed", e)

    def rename(self, src: str, dst: str) -> int:
        """Relabels every node `src` matches as `dst`; returns how many."""
        _check_str(src, "src")
        _check_str(dst, "dst")
        h = self._h()
        try:
            return h.rename(src, dst)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.rename() failed", e)

    def insert(self, path: str, label: str, before: bool = True) -> None:
        """Creates a sibling `label` just before (or, with ``before=False``, after) the
        node `path` matches, which must be exactly one."""
        _check_str(path, "path")
        _check_str(label, "label")
        h = self._h()
        try:
            h.insert(path, label, bool(before))
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.insert() failed", e)

    def remove(self, path: str) -> int:
        """Removes every node `path` matches with its descendants; returns how many
        nodes were removed, or -1 for an invalid path (python-augeas never raises
        here)."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.rm(path)
        except _augeas_rs.Error:
            return -1

    def match(self, path: str) -> List[str]:
        """The paths of the nodes `path` matches, each matching exactly one node."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.matches(path)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.match() failed: " + path, e)

    def span(self, path: str) -> Tuple[str, int, int, int, int, int, int]:
        """Where the node `path` came from: ``(filename, label_start, label_end,
        value_start, value_end, span_start, span_end)``, byte offsets in the file.
        Needs ``ENABLE_SPAN``; raises :class:`AugeasValueError` (``AUG_ENOSPAN``)
        otherwise or for nodes outside files."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.span(path)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.span() failed", e)

    def save(self) -> None:
        """Writes the changed files back (or ``.augnew`` files with SAVE_NEWFILE, keeps
        ``.augsave`` backups with SAVE_BACKUP, writes nothing with SAVE_NOOP). Raises
        :class:`AugeasIOError` if any file failed; see ``/augeas/files//error``."""
        h = self._h()
        try:
            h.save()
        except _augeas_rs.Error as e:
            _raise(AugeasIOError, "Augeas.save() failed", e)

    def load(self) -> None:
        """(Re)loads the files that the transforms under ``/augeas/load`` name. Files
        that fail to parse are reported under ``/augeas/files//error``."""
        h = self._h()
        try:
            h.load()
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.load() failed", e)

    def load_file(self, filename: str) -> None:
        """Loads one file with the lens whose transform covers it."""
        _check_str(filename, "filename")
        h = self._h()
        try:
            h.load_file(filename)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.load_file() failed", e)

    def source(self, path: str) -> Optional[str]:
        """The file node (e.g. ``/files/etc/hosts``) the node `path` belongs to, or
        ``None`` if it is not part of a file."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.source(path)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.source() failed", e)

    def srun(self, out: IO[Any], command: str) -> None:
        """Runs augtool commands (one per line) and writes their output to `out`, with
        the same engine as augtool-rs (every command of augtool, with its output). The
        first command that fails stops the run and raises :class:`AugeasRuntimeError`;
        the output and the changes of the commands before it stay, as with libaugeas.
        """
        if not hasattr(out, "write"):
            raise TypeError("out MUST be a file!")
        _check_str(command, "path")
        h = self._h()
        text, err, _quit = h.srun(command)
        if text:
            try:
                out.write(text)
            except TypeError:
                out.write(text.encode("utf-8"))
        if err is not None:
            _raise(AugeasRuntimeError, "Augeas.srun() failed (-1)", _augeas_rs.Error(*err))

    def preview(self, path: str) -> Optional[str]:
        """The text :meth:`save` would write for the file the node `path` belongs to."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.preview(path)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.preview() failed", e)

    def ns_attr(self, name: str, index: int) -> Tuple[Optional[str], Optional[str], Optional[str]]:
        """``(value, label, file_path)`` of node `index` (0-based) of the node-set
        variable `name`; `file_path` is the file node, as :meth:`source` gives."""
        _check_str(name, "name")
        _check_index(index)
        h = self._h()
        try:
            return h.ns_attr(name, index)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.ns_attr() failed", e)

    def ns_label(self, name: str, index: int) -> Tuple[Optional[str], int]:
        """``(label, position)`` of node `index` of variable `name`: the 1-based position
        among siblings with the same label, or 0 when the label is unique."""
        _check_str(name, "name")
        _check_index(index)
        h = self._h()
        try:
            return h.ns_label(name, index)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.ns_label() failed", e)

    def ns_value(self, name: str, index: int) -> Optional[str]:
        """The value of node `index` of the node-set variable `name`."""
        _check_str(name, "name")
        _check_index(index)
        h = self._h()
        try:
            return h.ns_value(name, index)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.ns_value() failed", e)

    def ns_count(self, name: str) -> int:
        """How many nodes the node-set variable `name` holds."""
        _check_str(name, "name")
        h = self._h()
        try:
            return h.ns_count(name)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.ns_count() failed", e)

    def ns_path(self, name: str, index: int) -> Optional[str]:
        """The path of node `index` of the node-set variable `name`."""
        _check_str(name, "name")
        _check_index(index)
        h = self._h()
        try:
            return h.ns_path(name, index)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.ns_path() failed", e)

    def clear_transforms(self) -> None:
        """Removes every transform under ``/augeas/load``; a :meth:`load` right after
        leaves ``/files`` empty."""
        self.remove("/augeas/load/*")

    def add_transform(
        self,
        lens: str,
        incl: Union[str, List[str], Tuple[str, ...]],
        name: Optional[str] = None,
        excl: Union[str, List[str], Tuple[str, ...]] = (),
    ) -> None:
        """Adds a transform: `lens` applies to the files matching the glob(s) `incl`
        except those matching `excl`. `name` is deprecated and ignored."""
        if name:
            warnings.warn(
                "name is now deprecated in this function", DeprecationWarning, stacklevel=2
            )
        if isinstance(incl, str):
            incl = [incl]
        if isinstance(excl, str):
            excl = [excl]
        for i in incl:
            self.transform(lens, i, False)
        for e in excl:
            self.transform(lens, e, True)

    def transform(self, lens: str, file: str, excl: bool = False) -> None:
        """Adds `file` (a glob) to the files `lens` loads, or excludes it when `excl`.
        `lens` is a module name (``"Hosts"``) or a lens name (``"Hosts.lns"``)."""
        _check_str(lens, "lens")
        _check_str(file, "file")
        if not isinstance(excl, bool):
            raise TypeError("excl MUST be a boolean!")
        h = self._h()
        try:
            h.transform(lens, file, excl)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.transform() failed", e)

    def close(self) -> None:
        """Closes the handle and frees the tree. Later calls raise ``RuntimeError``;
        closing again does nothing."""
        h = self.__handle
        if h is not None:
            h.close()
            self.__handle = None

    # -- beyond python-augeas --------------------------------------------------------

    def clear(self, path: str) -> None:
        """Sets the node `path` matches to no value, creating it if needed."""
        _check_str(path, "path")
        h = self._h()
        try:
            h.clear(path)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.clear() failed", e)

    def touch(self, path: str) -> None:
        """Creates the node `path` (with no value) if nothing matches it."""
        _check_str(path, "path")
        h = self._h()
        try:
            h.touch(path)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.touch() failed", e)

    def count(self, path: str) -> int:
        """How many nodes `path` matches."""
        _check_str(path, "path")
        h = self._h()
        try:
            return h.count(path)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.count() failed: " + path, e)

    def print(self, path: Optional[str] = None) -> str:
        """The nodes `path` matches (the whole tree for ``None``) with their
        descendants, in ``augtool print`` format."""
        _check_opt_str(path, "path")
        h = self._h()
        try:
            return h.print(path)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.print() failed", e)

    def iter(self, path: str) -> Iterator[Tuple[str, Optional[str]]]:
        """Yields ``(path, value)`` for every node `path` matches, in document order.
        The matches are taken when the call is made."""
        _check_str(path, "path")
        h = self._h()
        try:
            pairs = h.match_values(path)
        except _augeas_rs.Error as e:
            _raise(AugeasRuntimeError, "Augeas.iter() failed: " + path, e)
        return iter(pairs)

    def tree(self, path: str) -> Tree:
        """The subtree of the node `path` matches, as plain Python data.

        A node without children is its value (``str`` or ``None``). A node with
        children is a ``dict`` from label to child; a label that occurs more than once
        maps to a list of the children in order. The value of a node that has both a
        value and children is under the key :data:`VALUE_KEY` (``"/"``). Returns
        ``None`` when nothing matches; several matches raise :class:`AugeasValueError`.
        The order between different labels is kept by dict order of first occurrence;
        use :meth:`iter` or :meth:`match` when interleaving matters.
        """
        _check_str(path, "path")
        h = self._h()
        try:
            flat = h.subtree(path)
        except _augeas_rs.Error as e:
            _raise(AugeasValueError, "Augeas.tree() failed", e)
        if not flat:
            return None
        return _build_tree(flat)

    def escape_name(self, name: str) -> str:
        """`name` escaped for use as one step of a path (``aug_escape_name``)."""
        _check_str(name, "name")
        return escape_name(name)


def _build_tree(flat: List[Tuple[int, Optional[str], Optional[str]]]) -> Tree:
    """Rebuilds nested data from ``(depth, label, value)`` rows in document order."""
    # Each entry: [label, value, list of child entries].
    root: List[Any] = [flat[0][1], flat[0][2], []]
    stack: List[List[Any]] = [root]
    for depth, label, value in flat[1:]:
        del stack[depth:]
        node: List[Any] = [label, value, []]
        stack[-1][2].append(node)
        stack.append(node)
    return _shape(root)


def _shape(node: List[Any]) -> Tree:
    """Turns ``[label, value, children]`` into the shape :meth:`Augeas.tree` documents."""
    value: Optional[str] = node[1]
    children: List[List[Any]] = node[2]
    if not children:
        return value
    out: Dict[str, Any] = {}
    if value is not None:
        out[VALUE_KEY] = value
    multi = set()
    for child in children:
        lbl = child[0]
        shaped = _shape(child)
        if lbl in out and lbl != VALUE_KEY:
            if lbl not in multi:
                out[lbl] = [out[lbl]]
                multi.add(lbl)
            out[lbl].append(shaped)
        else:
            out[lbl] = shaped
    return out


class augeas(Augeas):
    """Deprecated alias of :class:`Augeas`, kept for compatibility."""

    def __init__(self, *p: Any, **k: Any) -> None:
        warnings.warn("use Augeas instead of augeas", DeprecationWarning, stacklevel=2)
        super().__init__(*p, **k)

