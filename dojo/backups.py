"""Nothing of the learner's is lost: every command that writes into a kata file does it through
`replace`, which first copies what is there to `.dojo/backups/<module>-<time>.py`.

`dojo reset` and `dojo restore` use it; a koans group is reset by `reset_functions`, which puts
the stub's version of that group's functions into the learner's file and leaves every other byte
as it was.
"""

from __future__ import annotations

import ast
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(".dojo") / "backups"
_NAME = re.compile(r"^(?P<module>\w+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.py$")


class BackupError(OSError):
    """The file could not be backed up or written: nothing was changed."""


@dataclass(frozen=True)
class Backup:
    path: Path
    module: str
    stamp: str  # YYYYmmdd-HHMMSS
    n: int

    @property
    def when(self) -> str:
        s = self.stamp
        return f"{s[0:4]}-{s[4:6]}-{s[6:8]} {s[9:11]}:{s[11:13]}:{s[13:15]}"


def folder(project: Path) -> Path:
    return Path(project) / FOLDER


def backups(project: Path, module: str) -> list[Backup]:
    """The backups of a kata module, newest first."""
    found = []
    try:
        entries = list(folder(project).iterdir())
    except OSError:
        return []
    for path in entries:
        match = _NAME.match(path.name)
        if match and match["module"] == module and path.is_file():
            found.append(Backup(path, module, match["stamp"], int(match["n"] or 0)))
    return sorted(found, key=lambda b: (b.stamp, b.n), reverse=True)


def back_up(project: Path, module: str, data: bytes) -> Path:
    """Copy `data` (the kata file as it is) to a new backup file; its path. Verified."""
    where = folder(project)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = where / f"{module}-{stamp}.py"
    n = 1
    while path.exists():
        path = where / f"{module}-{stamp}-{n}.py"
        n += 1
    try:
        where.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if path.read_bytes() != data:
            raise OSError("the copy differs")
    except OSError as err:
        raise BackupError(str(err)) from None
    return path


def replace(project: Path, module: str, text: str | bytes) -> Path | None:
    """Write `text` as katas/<module>.py, backing up what was there first (atomically: the
    file is whole before or after, never half-written). The backup's path, or None when there
    was no file. Raises BackupError, having changed nothing, when either step fails."""
    katas = Path(project) / "katas"
    path = katas / f"{module}.py"
    data = text.encode("utf-8") if isinstance(text, str) else text
    backup = None
    if path.exists():
        try:
            mine = path.read_bytes()
        except OSError as err:
            raise BackupError(str(err)) from None
        backup = back_up(project, module, mine)
    try:
        katas.mkdir(parents=True, exist_ok=True)
        tmp = katas / f".{module}.py.dojo-tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as err:
        raise BackupError(str(err)) from None
    return backup


# --- a group's functions ----------------------------------------------------------------------


class NotParsed(ValueError):
    """The learner's file does not parse: its functions cannot be told apart."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line


def _spans(source: str) -> dict[str, tuple[int, int]]:
    """name -> (first line, last line), 1-based, of each top-level function, decorators
    included."""
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise NotParsed(err.lineno, err.msg) from None
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out[node.name] = (first, node.end_lineno or node.lineno)
    return out


def reset_functions(mine: str, stub: str, names: list[str] | tuple[str, ...]) -> str:
    """`mine` with the stub's version of each function in `names`; every other line as it
    was. A function missing from `mine` is added at the end."""
    stub_lines = stub.splitlines(keepends=True)
    stub_spans = _spans(stub)
    lines = mine.splitlines(keepends=True)
    spans = _spans(mine)
    missing = []
    # from the bottom up, so that earlier spans keep their line numbers
    for name in sorted((n for n in names if n in spans), key=lambda n: spans[n][0], reverse=True):
        first, last = spans[name]
        s_first, s_last = stub_spans[name]
        lines[first - 1:last] = stub_lines[s_first - 1:s_last]
    for name in names:
        if name not in spans:
            s_first, s_last = stub_spans[name]
            missing.append("".join(stub_lines[s_first - 1:s_last]))
    out = "".join(lines)
    if missing:
        if out and not out.endswith("\n"):
            out += "\n"
        out += "".join("\n\n" + block.rstrip("\n") + "\n" for block in missing)
    return out
