"""Run kata tests in this process (torch stays imported) and get their outcomes as data.

Used by `dojo check`, `dojo watch` and the maintainers' suite (which proves the pitfall gallery
in-process: a new interpreter per gallery entry would pay torch's import every time).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def mine_hypothesis_constants() -> None:
    """Hypothesis draws some examples from the constants of the modules that are not installed
    packages (the project's own: dojo, the tests, the katas); it reads them by parsing each such
    module's source, at the first example a process draws. A process that forks children to
    run tests (the grader's fork server, `dojo watch`) calls this once after its imports: the
    children inherit what was mined and parse only the modules that are new to them (the test
    file, the kata). About 0.2 s of CPU per child otherwise. The set mined is the same either
    way, so the examples drawn are too.

    Mining reads hypothesis's cache, which fixes the process's storage folder as it stands; it
    is let go again afterwards, so that each child keeps the folder of its own environment
    (a grading job's HYPOTHESIS_STORAGE_DIRECTORY), not the parent's."""
    try:
        import warnings

        from hypothesis.configuration import set_hypothesis_home_dir
        from hypothesis.internal.conjecture.providers import _get_local_constants
    except Exception:  # noqa: BLE001 - a private helper of hypothesis's, which may move
        return
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _get_local_constants()
    except Exception:  # noqa: BLE001
        pass
    finally:
        set_hypothesis_home_dir(None)


@dataclass
class Outcome:
    exitcode: int
    tests: list[dict] = field(default_factory=list)
    steps: dict[str, str] = field(default_factory=dict)
    output: str = ""

    def messages(self) -> list[str]:
        return [t["message"] for t in self.tests if t.get("message")]

    def failed(self) -> list[dict]:
        return [t for t in self.tests if t["state"] not in ("passed", "skipped")]


def run_tests(
    project: Path,
    target: Path,
    modules: list[str] | None = None,
    *,
    steps: list[str] | None = None,
    extra: list[str] | tuple[str, ...] = (),
    lang: str | None = None,
    quiet: bool = True,
    tests: Path | None = None,
    plugins: list | tuple = (),
) -> Outcome:
    """Run the tests of `modules` (default: every kata) against `target`, in this process.

    The tests are `project/tests/test_<module>.py`, with the project's conftest; or, where there
    is no checkout (a notebook), `tests/test_<module>.py` run with the plugin loaded by name.
    `plugins`: objects registered for this run only (pytest.main's `plugins`)."""
    project = Path(project).resolve()
    plugin = [] if tests is None else ["-p", "dojo.pytest_plugin"]
    tests = project / "tests" if tests is None else Path(tests).resolve()
    paths = [str(tests / f"test_{m}.py") for m in modules] if modules else [str(tests)]
    with tempfile.TemporaryDirectory(prefix="dojo-run-") as tmp:
        report = Path(tmp) / "report.json"
        args = [
            *paths,
            f"--rootdir={project}",
            *plugin,
            "--target",
            str(Path(target).resolve()),
            "--dojo-report",
            str(report),
            "-p",
            "no:cacheprovider",
            "-q",
            *[arg for step in steps or [] for arg in ("--kata", step)],
            *(["--lang", lang] if lang else []),
            *extra,
        ]
        buffer = io.StringIO()
        if quiet:
            with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
                code = pytest.main(args, plugins=list(plugins))
        else:
            code = pytest.main(args, plugins=list(plugins))
        data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return Outcome(
        exitcode=int(code),
        tests=data.get("tests", []),
        steps=data.get("steps", {}),
        output=buffer.getvalue(),
    )
