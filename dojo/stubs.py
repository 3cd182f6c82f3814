"""The pristine stubs and the reference answers, shipped inside the package (a downloaded zip has
no git history, and a `pip install` has no checkout), so that `dojo reset`, `dojo init`, the
notebooks and the student edition can always bring the stubs back, and `dojo solution` can show
a solved kata's reference answer.

`katas/` is the learner's working copy, `solutions/` the reference. After changing a stub or a
solution, a maintainer runs

    python -m dojo.stubs --freeze

which writes `dojo/data/stubs.json`, `dojo/data/reference-answers/solutions.json` and
`dojo/data/reference-answers/gallery.json` (the pitfall gallery, `{kata: {entry: source}}`, which
`dojo show` draws beside the reference where there is no checkout); the maintainers' suite checks
that they agree with `katas/`, `solutions/` and `gallery/`.

The answers live in a folder of their own (`ANSWERS`) so that whatever must not show them (the
grader's jobs, the student edition) can leave out or hide that one folder; its name is not a
Python package's, so a project without it (the student edition) still builds.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dojo.paths import DATA

FROZEN = DATA / "stubs.json"
ANSWERS = DATA / "reference-answers"
SOLUTIONS = ANSWERS / "solutions.json"
GALLERY = ANSWERS / "gallery.json"


def _read(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, folder: Path) -> dict[str, str]:
    sources = {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.py"))}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sources, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return sources


def pristine() -> dict[str, str]:
    """{module name: source} of every shipped stub."""
    return _read(FROZEN)


def solutions() -> dict[str, str]:
    """{module name: source} of every reference answer shipped with the package (raises
    FileNotFoundError in an edition that ships none, such as the student edition)."""
    return _read(SOLUTIONS)


def gallery() -> dict[str, dict[str, str]]:
    """{kata module: {entry name: source}} of the pitfall gallery shipped with the package
    (raises FileNotFoundError in an edition that ships none)."""
    return json.loads(GALLERY.read_text(encoding="utf-8"))


def freeze_gallery(folder: Path) -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(Path(folder).glob("*/*.py")):
        if path.name != "__init__.py":
            entries.setdefault(path.parent.name, {})[path.stem] = path.read_text(encoding="utf-8")
    GALLERY.parent.mkdir(parents=True, exist_ok=True)
    GALLERY.write_text(json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
    return entries


def freeze(katas: Path) -> dict[str, str]:
    return _write(FROZEN, katas)


def freeze_solutions(folder: Path) -> dict[str, str]:
    return _write(SOLUTIONS, folder)


def write_all(folder: Path) -> Path:
    """Write every pristine stub into `folder` (laid out like katas/)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in pristine().items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    return folder


if __name__ == "__main__":
    if sys.argv[1:] != ["--freeze"]:
        raise SystemExit("usage: python -m dojo.stubs --freeze   (run from the project's root)")
    frozen = freeze(Path("katas"))
    answers = freeze_solutions(Path("solutions"))
    wrong = freeze_gallery(Path("gallery"))
    print(f"froze {len(frozen)} stubs into {FROZEN}, {len(answers)} solutions into {SOLUTIONS} "
          f"and {sum(map(len, wrong.values()))} gallery entries into {GALLERY}")
