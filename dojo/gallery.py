"""The pitfall gallery: `gallery/<kata>/<pitfall>.py`, one wrong answer per file.

`gallery/<kata>/<pitfall>.py` are the pitfalls the catalog lists (`dojo explain` names them);
`gallery/<kata>/irregular/<name>.py` are wrong answers aimed at irregular inputs (another dtype,
a non-contiguous tensor, a second call, a generator ...), many written by outside examiners from
the contract alone (issue 19): the maintainers' suite proves every one rejected with its phrase,
and the catalog does not list them. An irregular entry may be a whole module of its own.
`gallery/<kata>/right/<name>.py` are right answers written in unusual styles (another API,
float64 inside, another seeding style, the articles' own code done right): the maintainers'
suite proves that every one passes every test of its kata and gets full marks from
`dojo grade`, unflagged. Their docstring has `Right:` (what is unusual) and `Source:`.

Each entry's docstring says which pitfall it is and which phrase its failure must contain:

    Pitfall: the parameter is rebound, not updated: `param = param - lr * param.grad`.
    Source: 003, notes on 《动手学深度学习》 linear regression.
    Expect: the caller's tensor `w` did not change
    Marks: gpu            (optional: only on a machine with CUDA)

An entry imports the reference (`from solutions.<kata> import *`) and overrides the function
with the pitfall, so it differs from the reference by the offending line or two alone.
"""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    kata: str
    name: str
    path: Path
    pitfall: str
    source: str
    expect: tuple[str, ...]
    marks: tuple[str, ...]
    irregular: bool = False

    @property
    def id(self) -> str:
        return f"{self.kata}/{'irregular/' if self.irregular else ''}{self.name}"

    def standalone(self, solution: str) -> str:
        """The entry as a real submission would hand it in: an entry that imports the reference
        (`from solutions.<kata> import *`, which no submission can) gets the reference's source
        inlined above its own lines; a whole module stays as it is."""
        source = self.path.read_text(encoding="utf-8")
        if not re.search(r"^from solutions\.\w+ import", source, flags=re.M):
            return source
        source = re.sub(r"^from solutions\.\w+ import \*.*$", "", source, flags=re.M)
        # `from solutions.k import SGD as _Reference`: the reference's class, under that name
        source = re.sub(r"^from solutions\.\w+ import (\w+) as (\w+).*$", r"\2 = \1", source,
                        flags=re.M)
        source = re.sub(r"^from solutions\.\w+ import .*$", "", source, flags=re.M)
        return solution + "\n\n# --- the pitfall ---\n" + source

    def as_target(self, folder: Path) -> Path:
        """Lay the entry out as a target folder: `folder/<kata>.py`."""
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, folder / f"{self.kata}.py")
        return folder


def parse(path: Path) -> Entry:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    fields: dict[str, list[str]] = {}
    for line in doc.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() in ("pitfall", "source", "expect", "marks"):
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    irregular = path.parent.name == "irregular"
    return Entry(
        kata=path.parent.parent.name if irregular else path.parent.name,
        name=path.stem,
        path=path,
        pitfall=" ".join(fields.get("pitfall", [])),
        source=" ".join(fields.get("source", [])),
        expect=tuple(fields.get("expect", [])),
        marks=tuple(m.strip() for v in fields.get("marks", []) for m in v.split(",") if m.strip()),
        irregular=irregular,
    )


def right_answers(project: Path) -> list[Entry]:
    """The unusual right answers: `gallery/<kata>/right/*.py` (whole modules)."""
    root = Path(project) / "gallery"
    out = []
    for path in sorted(root.glob("*/right/*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        fields = {k.strip().lower(): v.strip() for k, _, v in
                  (ln.partition(":") for ln in doc.splitlines()) if _}
        out.append(Entry(kata=path.parent.parent.name, name=path.stem, path=path,
                         pitfall=fields.get("right", ""), source=fields.get("source", ""),
                         expect=(), marks=()))
    return out


def entries(project: Path) -> list[Entry]:
    root = Path(project) / "gallery"
    return [parse(p) for p in sorted(root.glob("*/*.py")) + sorted(root.glob("*/irregular/*.py"))]
