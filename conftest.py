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
    if hasattr(config, "workerinput"):
        # one torch thread per worker: the workers already fill the cores, and two threads on
        # each of two busy cores made small tensor operations hundreds of times slower
        import torch

        torch.set_num_threads(1)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """`pytest --target solutions` runs on every core (xdist's `-n auto`, tests of one group on
    one worker) unless `-n` was given, the run is a pytest inside a test, there is one core, or
    benchmarks are to be timed (`--benchmark-only`, `--benchmark-enable`: pytest-benchmark
    turns itself off under xdist, and then refuses `--benchmark-only`)."""
    option = config.option
    if hasattr(config, "workerinput"):
        # a worker parses the original command line, without the --dist set below: tell it
        if os.environ.get("DOJO_XDIST_LOADGROUP") == "1":
            option.loadgroup = True
        return None
    if (
        not hasattr(option, "numprocesses")
        or option.numprocesses is not None
        or "PYTEST_CURRENT_TEST" in os.environ
        or (os.cpu_count() or 1) < 2
        or getattr(option, "collectonly", False)
        or getattr(option, "usepdb", False)
        or getattr(option, "benchmark_only", False)
        or getattr(option, "benchmark_enable", False)
        or not _maintainers_run(config)
    ):
        return None
    option.numprocesses = "auto"
    if getattr(option, "maxworkerrestart", None) is None:
        # a worker that dies ends the run, naming its test: replacing it under loadgroup left
        # the dead worker's group unscheduled and the run waiting for it (CI stop 22)
        option.maxworkerrestart = 0
    if getattr(option, "dist", "no") == "no":
        option.dist = "loadgroup"
        os.environ["DOJO_XDIST_LOADGROUP"] = "1"  # the workers inherit it
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """On an xdist worker with --dist loadgroup: the `@group` suffix that tells the scheduler to
    keep a group on one worker. pytest-xdist 3.8 writes it into `item._nodeid`, which pytest 9.2
    no longer reads (its node ids are structured: pytest-xdist issue #1386), so a group's tests
    were spread over the workers and each ran the group's expensive fixture again."""
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # an older pytest: xdist's own suffix works there
        return
    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        current = getattr(item, "_id", None)
        if groups and isinstance(current, NodeId) and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")


def pytest_collection_finish(session):
    """The maintainers' run: what is loaded once collection is done (torch, the test modules)
    lives as long as the process, so it leaves the garbage collector's sight. pytest collects
    all generations twice at the end of every session, and the suite runs hundreds of sessions
    inside its tests (the gallery, the messages, `dojo` in process): each collection walked
    the whole of torch again. Objects made later are collected as before."""
    if "PYTEST_CURRENT_TEST" in os.environ or not _maintainers_run(session.config):
        return
    from dojo.checking import warm

    warm()  # what `dojo check` does before its tests: the imports, then gc.freeze
