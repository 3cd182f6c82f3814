"""Where things are: the project (a checkout, a `dojo init` workspace or the student edition) and
the package's data.

The wheel carries the kata tests as `dojo/data/tests/` (pyproject.toml maps the checkout's `tests/`
there at build time: its `test_*.py` and their support files, not the maintainers' suite nor the
benchmarks). Run from a checkout, they are the checkout's own `tests/`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "data"


def checkout() -> Path | None:
    """The checkout this package runs from (an editable install, PYTHONPATH), if any."""
    folder = PACKAGE.parent
    return folder if (folder / "katas").is_dir() and (folder / "tests").is_dir() else None


def find_project(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the working directory) that holds
    `katas/` and `tests/`; else the checkout this package was installed from, if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "katas").is_dir() and (folder / "tests").is_dir():
            return folder
    return checkout()


def kata_source() -> Path:
    """The folder whose `tests/` holds the kata tests this package carries: the checkout it runs
    from, else the package's data folder (`dojo/data/tests/` of the wheel)."""
    return checkout() or DATA
