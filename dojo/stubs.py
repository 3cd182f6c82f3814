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

The Chinese stubs (`dojo init --lang zh`, `dojo notebook --lang zh`, `dojo reset` of a Chinese
file) are translations kept by hand in `dojo/data/stubs_zh/<module>.py`: the same code and names,
docstrings and comments in Chinese. `dojo/data/stubs_zh/fingerprints.json` records, per module,
the fingerprint of the English stub each translates; the maintainers' suite fails when an English
stub changes without its translation (tests/maintainers/test_stubs_zh.py). After re-translating:

    python -m dojo.stubs --translated MODULE...

The answers live in a folder of their own (`ANSWERS`) so that whatever must not show them (the
grader's jobs, the student edition) can leave out or hide that one folder; its name is not a
Python package's, so a project without it (the student edition) still builds.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from dojo.paths import DATA

FROZEN = DATA / "stubs.json"
ANSWERS = DATA / "reference-answers"
SOLUTIONS = ANSWERS / "solutions.json"
GALLERY = ANSWERS / "gallery.json"
TRANSLATIONS = DATA / "stubs_zh"
FINGERPRINTS = TRANSLATIONS / "fingerprints.json"


def _read(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, folder: Path) -> dict[str, str]:
    sources = {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.py"))}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sources, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return sources


def pristine(lang: str = "en") -> dict[str, str]:
    """{module name: source} of every shipped stub; with `lang="zh"`, its Chinese translation
    (the English stub where a module has none)."""
    english = _read(FROZEN)
    if lang != "zh":
        return english
    chinese = translations()
    return {name: chinese.get(name, source) for name, source in english.items()}


def translations() -> dict[str, str]:
    """{module name: source} of the Chinese stubs."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(TRANSLATIONS.glob("*.py"))}


def fingerprint(text: str) -> str:
    """What a translation records of the English stub it follows."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def translated_from() -> dict[str, str]:
    """{module name: fingerprint of the English stub its translation was made from}."""
    try:
        return _read(FINGERPRINTS)
    except OSError:
        return {}


def record_translation(modules: list[str]) -> dict[str, str]:
    """Record that the Chinese stubs of `modules` now follow the English stubs as they are."""
    english = pristine()
    unknown = [m for m in modules if m not in english or not (TRANSLATIONS / f"{m}.py").is_file()]
    if unknown:
        raise KeyError(", ".join(unknown))
    recorded = translated_from()
    recorded.update({m: fingerprint(english[m]) for m in modules})
    FINGERPRINTS.write_text(json.dumps(dict(sorted(recorded.items())), indent=1) + "\n",
                            encoding="utf-8")
    return recorded


def language_of(source: str) -> str:
    """"zh" when a stub's module docstring is Chinese, else "en" (which stubs `dojo reset`
    brings back: the language the learner's file is in)."""
    head = source[:400]
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in head) else "en"


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


def write_all(folder: Path, lang: str = "en") -> Path:
    """Write every pristine stub into `folder` (laid out like katas/)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in pristine(lang).items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    return folder


USAGE = """usage: python -m dojo.stubs --freeze             (run from the project's root)
       python -m dojo.stubs --translated MODULE...  (after updating dojo/data/stubs_zh/MODULE.py)"""

if __name__ == "__main__":
    if sys.argv[1:2] == ["--translated"] and sys.argv[2:]:
        try:
            record_translation(sys.argv[2:])
        except KeyError as err:
            raise SystemExit(f"no English stub or no dojo/data/stubs_zh/ file for: {err}\n{USAGE}")
        print(f"recorded that dojo/data/stubs_zh/ follows the English stubs of "
              f"{', '.join(sys.argv[2:])} in {FINGERPRINTS}")
        raise SystemExit(0)
    if sys.argv[1:] != ["--freeze"]:
        raise SystemExit(USAGE)
    frozen = freeze(Path("katas"))
    answers = freeze_solutions(Path("solutions"))
    wrong = freeze_gallery(Path("gallery"))
    print(f"froze {len(frozen)} stubs into {FROZEN}, {len(answers)} solutions into {SOLUTIONS} "
          f"and {sum(map(len, wrong.values()))} gallery entries into {GALLERY}")
