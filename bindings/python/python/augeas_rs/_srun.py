"""A subset of augtool's commands for :meth:`augeas_rs.Augeas.srun`.

The commands run through the methods of the raw handle, tokenised as augtool does,
and print what augtool 1.14 prints. Errors are raised as ``_augeas_rs.Error`` with the
code, message, minor message and details libaugeas's ``aug_srun`` would report.
"""

from __future__ import annotations

from typing import IO, Any, Callable, Dict, List, Optional, Tuple

from . import _augeas_rs

ECMDRUN = 11
_CMDRUN_MSG = "Failed to execute command"

# Name -> (parameter kinds, number of required parameters). "p" is a PATH parameter
# (blanks inside [...] need no quoting, a trailing / is dropped), "s" a plain string.
_COMMANDS: Dict[str, Tuple[str, int]] = {
    "get": ("p", 1),
    "label": ("p", 1),
    "ls": ("p", 1),
    "match": ("ps", 1),
    "count": ("p", 1),
    "print": ("p", 0),
    "set": ("ps", 1),
    "setm": ("pps", 2),
    "clear": ("p", 1),
    "clearm": ("pp", 2),
    "touch": ("p", 1),
    "rm": ("p", 1),
    "mv": ("pp", 2),
    "move": ("pp", 2),
    "cp": ("pp", 2),
    "copy": ("pp", 2),
    "rename": ("ps", 2),
    "ins": ("ssp", 3),
    "insert": ("ssp", 3),
    "defvar": ("sp", 2),
    "defnode": ("sps", 2),
    "save": ("", 0),
    "load": ("", 0),
    "load-file": ("s", 1),
    "transform": ("sss", 3),
    "source": ("p", 1),
    "preview": ("p", 1),
    "span": ("p", 1),
    "store": ("spp", 3),
    "retrieve": ("sppp", 4),
    "context": ("p", 0),
    "quit": ("", 0),
}

#: augtool commands that srun does not implement.
UNSUPPORTED = ("errors", "info", "help", "dump-xml")

_KEEP_ESCAPED = "[]|/=()!,"


def _cmd_error(details: str) -> _augeas_rs.Error:
    return _augeas_rs.Error(ECMDRUN, _CMDRUN_MSG, None, details)


def _blank(c: str) -> bool:
    return c in " \t"


def _word(line: str, pos: int, path: bool) -> Tuple[str, int]:
    """Reads one argument starting at ``line[pos]`` (not a blank)."""
    out: List[str] = []
    quote: Optional[str] = None
    depth = 0
    n = len(line)
    while pos < n:
        c = line[pos]
        if quote is None and depth == 0 and _blank(c):
            break
        if c == "\\":
            pos += 1
            if pos >= n:
                raise _cmd_error("unknown escape sequence: ")
            e = line[pos]
            if e in _KEEP_ESCAPED:
                out.append("\\" + e)
            elif e == "t":
                out.append("\t")
            elif e == "n":
                out.append("\n")
            elif e in " \t'\"\\":
                out.append(e)
            else:
                raise _cmd_error(f"unknown escape sequence: {e}")
        elif quote is not None:
            if c == quote:
                quote = None
                if depth > 0:
                    out.append(c)
            else:
                out.append(c)
        elif c in "'\"":
            # Inside [...] of a path, quotes belong to the path expression.
            quote = c
            if depth > 0:
                out.append(c)
        elif path and c == "[":
            depth += 1
            out.append(c)
        elif path and c == "]":
            if depth == 0:
                raise _cmd_error("unmatched ]")
            depth -= 1
            out.append(c)
        else:
            out.append(c)
        pos += 1
    if quote is not None:
        raise _cmd_error(f"unmatched {quote}")
    if depth > 0:
        raise _cmd_error("unmatched [")
    word = "".join(out)
    if path and len(word) > 1 and word.endswith("/") and not word.endswith("\\/"):
        word = word[:-1]
    return word, pos


def tokenize(line: str) -> Tuple[str, List[str]]:
    """Splits one command line into the command name and its arguments."""
    line = line.strip(" \t")
    pos = 0
    while pos < len(line) and not _blank(line[pos]):
        pos += 1
    name = line[:pos]
    spec = _COMMANDS.get(name)
    if spec is None:
        if name in UNSUPPORTED:
            raise _cmd_error(
                f"Command '{name}' is not supported by augeas_rs.srun "
                f"(supported: {', '.join(sorted(_COMMANDS))})"
            )
        raise _cmd_error(f"Unknown command '{name}'")
    kinds, required = spec
    args: List[str] = []
    while True:
        while pos < len(line) and _blank(line[pos]):
            pos += 1
        if pos >= len(line):
            break
        if len(args) >= len(kinds):
            raise _cmd_error(
                f"Too many arguments. Command {name} takes only {len(kinds)} arguments"
            )
        word, pos = _word(line, pos, kinds[len(args)] == "p")
        args.append(word)
    if len(args) < required:
        raise _cmd_error(f"Not enough arguments for {name}")
    return name, args


def _last_step(path: str) -> str:
    """The last step of an escaped path, e.g. ``alias[2]``."""
    i = len(path) - 1
    while i >= 0:
        if path[i] == "/" and (i == 0 or path[i - 1] != "\\"):
            return path[i + 1 :]
        i -= 1
    return path


class _Runner:
    def __init__(self, handle: _augeas_rs.PyAugeas, out: IO[Any]) -> None:
        self.h = handle
        self.out = out

    def write(self, text: str) -> None:
        try:
            self.out.write(text)
        except TypeError:
            self.out.write(text.encode("utf-8"))

    def run(self, name: str, a: List[str]) -> bool:
        """Runs one command; returns False for quit."""
        h = self.h
        fn: Optional[Callable[[List[str]], None]] = getattr(
            self, "c_" + name.replace("-", "_"), None
        )
        if name == "quit":
            return False
        if fn is not None:
            fn(a)
            return True
        if name in ("mv", "move"):
            h.mv(a[0], a[1])
        elif name in ("cp", "copy"):
            h.cp(a[0], a[1])
        elif name in ("ins", "insert"):
            if a[1] not in ("before", "after"):
                raise _cmd_error(
                    "the <WHERE> argument for ins must be either 'before' or 'after'."
                )
            h.insert(a[2], a[0], a[1] == "before")
        return True

    def c_get(self, a: List[str]) -> None:
        p = a[0]
        if self.h.count(p) == 0:
            self.write(f"{p} (o)\n")
            return
        v = self.h.get(p)
        self.write(f"{p} (none)\n" if v is None else f"{p} = {v}\n")

    def c_label(self, a: List[str]) -> None:
        p = a[0]
        lbl = self.h.label(p)
        self.write(f"{p} (o)\n" if lbl is None else f"{p} = {lbl}\n")

    def c_ls(self, a: List[str]) -> None:
        base = a[0].rstrip("/") or ""
        for p, v in self.h.match_values(base + "/*"):
            kids = "/" if self.h.count(p + "/*") > 0 else ""
            val = "(none)" if v is None else v
            self.write(f"{_last_step(p)}{kids} = {val}\n")

    def c_match(self, a: List[str]) -> None:
        pairs = self.h.match_values(a[0])
        if len(a) > 1:
            # With a value, augtool prints the bare paths, and nothing when none match.
            pairs = [(p, v) for p, v in pairs if v == a[1]]
            for p, _ in pairs:
                self.write(p + "\n")
            return
        if not pairs:
            self.write("  (no matches)\n")
        for p, v in pairs:
            self.write(f"{p} = {'(none)' if v is None else v}\n")

    def c_count(self, a: List[str]) -> None:
        n = self.h.count(a[0])
        if n == 0:
            self.write("  no matches\n")
        elif n == 1:
            self.write("  1 match\n")
        else:
            self.write(f"  {n} matches\n")

    def c_print(self, a: List[str]) -> None:
        self.write(self.h.print(a[0] if a else None))

    def c_set(self, a: List[str]) -> None:
        self.h.set(a[0], a[1] if len(a) > 1 else None)

    def c_setm(self, a: List[str]) -> None:
        self.h.setm(a[0], a[1], a[2] if len(a) > 2 else None)

    def c_clear(self, a: List[str]) -> None:
        self.h.clear(a[0])

    def c_clearm(self, a: List[str]) -> None:
        self.h.clearm(a[0], a[1])

    def c_touch(self, a: List[str]) -> None:
        self.h.touch(a[0])

    def c_rm(self, a: List[str]) -> None:
        n = self.h.rm(a[0])
        self.write(f"rm : {a[0]} {n}\n")

    def c_rename(self, a: List[str]) -> None:
        n = self.h.rename(a[0], a[1])
        self.write(f"rename : {a[0]} to {a[1]} {n}\n")

    def c_defvar(self, a: List[str]) -> None:
        self.h.defvar(a[0], a[1])

    def c_defnode(self, a: List[str]) -> None:
        self.h.defnode(a[0], a[1], a[2] if len(a) > 2 else None)

    def c_save(self, a: List[str]) -> None:
        try:
            self.h.save()
        except _augeas_rs.Error:
            raise _cmd_error("saving failed (run 'errors' for details)") from None
        n = self.h.count("/augeas/events/saved")
        if n > 0:
            self.write(f"Saved {n} file(s)\n")

    def c_load(self, a: List[str]) -> None:
        try:
            self.h.load()
        except _augeas_rs.Error:
            raise _cmd_error("loading failed (run 'errors' for details)") from None

    def c_load_file(self, a: List[str]) -> None:
        self.h.load_file(a[0])

    def c_transform(self, a: List[str]) -> None:
        if a[1] not in ("incl", "excl"):
            raise _cmd_error('FILTER must be "incl" or "excl"')
        self.h.transform(a[0], a[2], a[1] == "excl")

    def c_source(self, a: List[str]) -> None:
        src = self.h.source(a[0])
        if src is not None:
            self.write(src + "\n")

    def c_preview(self, a: List[str]) -> None:
        text = self.h.preview(a[0])
        if text is not None:
            self.write(text)

    def c_span(self, a: List[str]) -> None:
        if self.h.get("/augeas/span") != "enable":
            raise _cmd_error(
                "Span is not enabled. To enable, run the commands:\n"
                "    set /augeas/span enable\n    rm /files\n    load\n"
            )
        f, ls, le, vs, ve, ss, se = self.h.span(a[0])
        self.write(f"{f} label=({ls}:{le}) value=({vs}:{ve}) span=({ss},{se})\n")

    def c_store(self, a: List[str]) -> None:
        self.h.text_store(a[0], a[1], a[2])

    def c_retrieve(self, a: List[str]) -> None:
        self.h.text_retrieve(a[0], a[1], a[2], a[3])

    def c_context(self, a: List[str]) -> None:
        if a:
            self.h.set("/augeas/context", a[0])
        else:
            ctx = self.h.get("/augeas/context")
            self.write((ctx or "/") + "\n")


def run(handle: _augeas_rs.PyAugeas, out: IO[Any], text: str) -> int:
    """Runs the commands in `text` on `handle`, one per line; blank lines and lines
    starting with ``#`` are skipped, and ``quit`` stops. Returns how many commands ran."""
    runner = _Runner(handle, out)
    done = 0
    for raw in text.split("\n"):
        line = raw.strip(" \t")
        if not line or line.startswith("#"):
            continue
        name, args = tokenize(line)
        if not runner.run(name, args):
            break
        done += 1
    return done
