"""The pristine stubs, shipped inside the package (a downloaded zip has no git history), so that
`dojo reset`, the notebooks and the student edition can always bring them back.

`katas/` is the learner's working copy. After changing a stub, a maintainer runs

    python -m dojo.stubs --freeze

which writes `dojo/data/stubs.json`; the maintainers' suite checks that the two agree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dojo.paths import DATA

FROZEN = DATA / "stubs.json"


def pristine() -> dict[str, str]:
    """{module name: source} of every shipped stub."""
    return json.loads(FROZEN.read_text(encoding="utf-8"))


def freeze(katas: Path) -> dict[str, str]:
    sources = {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(katas).glob("*.py"))}
    FROZEN.write_text(json.dumps(sources, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return sources


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
    print(f"froze {len(frozen)} stubs into {FROZEN}")
