"""The kata tests' plugin: `--target`, `--kata`, `--lang`, the `kata` fixture, teaching reports.
It lives in the package (dojo/pytest_plugin.py) so that notebooks and the grader use the same.

The maintainers' run (`pytest --target solutions`) spreads its tests over every core with
pytest-xdist when it is installed (the `dev` extra); `-n 0` runs them in one process. A learner's
`pytest` (against katas/) always runs in one process, in the catalog's teaching order."""

import os
from pathlib import Path

import pytest

pytest_plugins = ["dojo.pytest_plugin"]


def _maintainers_run(config) -> bool:
    raw = Path(config.getoption("target", "katas") or "katas")
    if not raw.is_absolute():
        raw = Path(config.invocation_params.dir) / raw
    try:
        return raw.resolve() == (Path(config.rootpath) / "solutions").resolve()
    except OSError:
        return False


def pytest_configure(config):
    # pytest-xdist registers it too; this keeps --strict-markers happy where it is absent
    config.addinivalue_line(
        "markers",
        "xdist_group(name): tests that share one expensive module fixture run on one worker",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """`pytest --target solutions` runs on every core (xdist's `-n auto`, tests of one group on
    one worker) unless `-n` was given, the run is a pytest inside a test, or there is one core."""
    option = config.option
    if (
        not hasattr(option, "numprocesses")
        or option.numprocesses is not None
        or hasattr(config, "workerinput")
        or "PYTEST_CURRENT_TEST" in os.environ
        or (os.cpu_count() or 1) < 2
        or getattr(option, "collectonly", False)
        or getattr(option, "usepdb", False)
        or not _maintainers_run(config)
    ):
        return None
    option.numprocesses = "auto"
    if getattr(option, "dist", "no") == "no":
        option.dist = "loadgroup"
    return None
