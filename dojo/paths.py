"""Where things are: the project (a checkout or the student edition) and the package's data."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "data"


def find_project(start: Path | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the working directory) that holds
    `katas/` and `tests/`; else the checkout this package was installed from, if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "katas").is_dir() and (folder / "tests").is_dir():
            return folder
    checkout = PACKAGE.parent
    if (checkout / "katas").is_dir() and (checkout / "tests").is_dir():
        return checkout
    return None
