"""The pytest plugin behind every kata test (loaded by the project's `conftest.py`, or with
`-p dojo.pytest_plugin` where there is no checkout: notebooks, the grader).

- `--target PATH`: the folder whose `<kata>.py` files are tested (default `katas`).
- `--kata NAME`: only the tests of these catalog steps (or modules), e.g. `--kata zero_grad`.
- `--lang en|zh`: the language of the teaching messages.
- `--dojo-report FILE`: a JSON report of every test's outcome, for `dojo` and the grader.
- the `kata` fixture: the module under test, loaded from the target on first use, so that a
  missing or broken file fails its own kata's tests (with file, line and error) and no other.
- reports that teach: a kata not started says so in one line; a learner's exception is shown
  with the line it came from and, for PyTorch's well-known errors, what it means.
- a last line with the katas solved.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
import traceback
from collections import defaultdict
from pathlib import Path

import pytest

from dojo import i18n
from dojo.explain import explain
from dojo.i18n import t

TARGET = pytest.StashKey[Path]()
MODULES = pytest.StashKey[dict]()
RECORDS = pytest.StashKey[list]()
OWN_SUITES = ("maintainers", "benchmarks")


class KataBroken(Exception):
    """The learner's file is missing, does not import, or lacks a function the kata asks for."""


# --- options and configuration ---------------------------------------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("dojo", "PyTorch Pitfall Katas")
    group.addoption(
        "--target",
        default="katas",
        help="folder of kata files to test, laid out like katas/ (default: katas; "
        "the reference: --target solutions)",
    )
    group.addoption(
        "--kata",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this kata's tests (a catalog step or a module; repeatable)",
    )
    group.addoption("--lang", choices=i18n.LANGS, default=None, help="language of the messages")
    group.addoption("--dojo-report", default=None, metavar="FILE", help="write a JSON report")


def resolve_target(raw: str, config) -> Path:
    candidates = [Path(raw)]
    if not Path(raw).is_absolute():
        candidates = [Path(config.invocation_params.dir) / raw, Path(config.rootpath) / raw]
    for path in candidates:
        if path.is_dir():
            return path.resolve()
    raise pytest.UsageError(
        t(
            f"--target {raw}: no such folder. Give a folder laid out like katas/ "
            f"(PATH/<kata>.py), for example --target solutions.",
            f"--target {raw}:没有这个文件夹。请给出与 katas/ 结构相同的文件夹(PATH/<kata>.py),"
            f"例如 --target solutions。",
        )
    )


def pytest_configure(config):
    i18n.set_lang(config.getoption("lang"))
    config.stash[TARGET] = resolve_target(config.getoption("target"), config)
    config.stash[MODULES] = {}
    config.stash[RECORDS] = []
    config.pluginmanager.register(_Recorder(config), f"dojo-recorder-{id(config)}")
    for line in (
        "gpu: needs CUDA (skipped with a reason when there is none)",
        "slow: trains a network for several seconds",
        "step(id): the catalog step a test belongs to",
    ):
        config.addinivalue_line("markers", line)
    try:
        from hypothesis import HealthCheck, Phase, settings

        common = dict(
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            print_blob=False,
            report_multiple_bugs=False,  # one readable teaching message, not an exception group
        )
        # no 'explain' phase: it re-runs a failing test hundreds of times (seconds) for notes
        # that the teaching message does not need
        settings.register_profile(
            "dojo", max_examples=25, phases=[p for p in Phase if p.name != "explain"], **common
        )
        # The gallery proof only needs each wrong answer rejected: fewer examples, no shrinking.
        settings.register_profile(
            "dojo-gallery",
            max_examples=10,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            **common,
        )
        settings.load_profile(config.getoption("hypothesis_profile", None) or "dojo")
    except ImportError:  # pragma: no cover
        pass


def is_reference_target(config) -> bool:
    return config.stash[TARGET] == (Path(config.rootpath) / "solutions").resolve()


def pytest_ignore_collect(collection_path, config):
    """The maintainers' suite and the benchmarks run with the reference (`--target solutions`)
    or when benchmarks are asked for; a learner's `pytest` runs only the katas."""
    if collection_path.name in OWN_SUITES and collection_path.parent.name == "tests":
        wants_bench = config.getoption("benchmark_only", False) or config.getoption(
            "benchmark_enable", False
        )
        if collection_path.name == "benchmarks" and wants_bench:
            return None
        if not is_reference_target(config):
            return True
    return None


def step_of(item) -> str | None:
    """The catalog step of a kata test (one that uses the `kata` fixture), else None."""
    if "kata" not in getattr(item, "fixturenames", ()):
        return None
    marker = item.get_closest_marker("step")
    if marker is not None and marker.args:
        return marker.args[0]
    return getattr(item.module, "KATA", None) if hasattr(item, "module") else None


def pytest_collection_modifyitems(session, config, items):
    wanted = config.getoption("kata")
    if wanted:
        from dojo.catalog import UnknownStep, load

        catalog = load()
        ids: set[str] = set()
        for name in wanted:
            try:
                ids.update(s.id for s in catalog.resolve(name))
            except UnknownStep as err:
                close = ", ".join(err.suggestions) or "dojo list"
                raise pytest.UsageError(
                    t(f"--kata {name}: no such kata (did you mean: {close}?)",
                      f"--kata {name}:没有这个 kata(你是不是想找:{close}?)")
                ) from None
        keep = [i for i in items if step_of(i) in ids]
        dropped = [i for i in items if step_of(i) not in ids]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep
    if any(i.get_closest_marker("gpu") for i in items):
        import torch

        if not torch.cuda.is_available():
            skip = pytest.mark.skip(
                reason=t("needs CUDA: no GPU on this machine", "需要 CUDA:这台机器没有 GPU")
            )
            for item in items:
                if item.get_closest_marker("gpu"):
                    item.add_marker(skip)


# --- the module under test -------------------------------------------------------------------


def _relative(path: Path, config) -> str:
    for base in (Path(config.invocation_params.dir), Path(config.rootpath)):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def _load(config, name: str):
    cache = config.stash[MODULES]
    if name in cache:
        found = cache[name]
        if isinstance(found, KataBroken):
            raise found.with_traceback(None)  # a fresh traceback: re-raising the cached one grows it on every raise
        return found
    path = config.stash[TARGET] / f"{name}.py"
    rel = _relative(path, config)
    try:
        module = _import_file(path, rel, name)
    except KataBroken as err:
        cache[name] = err
        raise
    cache[name] = module
    return module


def _import_file(path: Path, rel: str, name: str):
    if not path.is_file():
        raise KataBroken(
            t(
                f"{rel} is missing: the tests of `{name}` need this file "
                f"(`dojo reset {name}` brings the stub back).",
                f"缺少 {rel}:`{name}` 的测试需要这个文件(`dojo reset {name}` 可以恢复原始文件)。",
            )
        )
    module_name = f"_dojo_target_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as err:
        sys.modules.pop(module_name, None)
        raise KataBroken(
            t(
                f"{rel}, line {err.lineno}: SyntaxError: {err.msg}. The file does not import, "
                f"so none of its tests can run; the other katas are not affected.",
                f"{rel} 第 {err.lineno} 行:SyntaxError:{err.msg}。文件无法导入,它的测试都无法运行;"
                f"其他 kata 不受影响。",
            )
        ) from None
    except BaseException as err:  # noqa: BLE001 - exit() at import must not stop the run
        sys.modules.pop(module_name, None)
        if isinstance(err, KeyboardInterrupt):
            raise
        line = _line_in(err, path)
        where = t(f"{rel}, line {line}", f"{rel} 第 {line} 行") if line else rel
        kind = type(err).__name__
        raise KataBroken(
            t(
                f"{where}: importing the file raised {kind}: {err}. Code at the top level of a "
                f"kata file runs on import; keep it inside functions.",
                f"{where}:导入文件时抛出 {kind}:{err}。kata 文件顶层的代码会在导入时执行,"
                f"请把它放进函数里。",
            )
        ) from None
    return module


def _line_in(err: BaseException, path: Path) -> int | None:
    line = None
    for frame in traceback.extract_tb(err.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    return line


_PROBES = {"execute_example", "setup_example", "teardown_example"}


class KataModule:
    """The learner's module, loaded on first use (so that a broken file *fails* the tests that
    use it, with its message, instead of erroring at setup)."""

    def __init__(self, config, name: str):
        self._config = config
        self._name = name

    def __getattr__(self, attr: str):
        if attr.startswith(("_", "hypothesis")) or attr in _PROBES:
            raise AttributeError(attr)  # pytest and hypothesis look for these on any argument
        module = _load(self._config, self._name)
        try:
            return getattr(module, attr)
        except AttributeError:
            rel = _relative(self._config.stash[TARGET] / f"{self._name}.py", self._config)
            raise KataBroken(
                t(
                    f"{rel} has no `{attr}`: the kata asks for a function or class of that name "
                    f"(see the docstring of the shipped stub, `dojo reset {self._name}`).",
                    f"{rel} 中没有 `{attr}`:这个 kata 需要这个名字的函数或类。",
                )
            ) from None

    @property
    def module(self):
        return _load(self._config, self._name)

    @property
    def path(self) -> Path:
        return self._config.stash[TARGET] / f"{self._name}.py"


@pytest.fixture
def kata(request):
    """The module under test: `<target>/<KATA>.py`, KATA being the test module's constant."""
    name = getattr(request.module, "KATA", None)
    if name is None:
        raise RuntimeError(f"{request.module.__name__} sets no KATA = '<module name>'")
    return KataModule(request.config, name)


@pytest.fixture(autouse=True)
def _seed_everything():
    """Every test starts from the same random state."""
    random.seed(0)
    try:
        import numpy

        numpy.random.seed(0)
    except ImportError:  # pragma: no cover
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    yield


# --- reports that teach ----------------------------------------------------------------------


def pytest_runtest_setup(item):
    item.user_properties.append(("dojo_step", step_of(item)))


def _frame_in_target(excinfo, target: Path):
    """The deepest traceback entry inside the target folder, or None."""
    found = None
    for entry in excinfo.traceback:
        try:
            path = Path(str(entry.path)).resolve()
        except (TypeError, OSError):
            continue
        if target in path.parents:
            found = entry
    return found


def _notes(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", None) or []
    return ("\n" + "\n".join(notes)) if notes else ""


def classify(item, call):
    """(state, message or None): the dojo state of a failed phase and the text to show."""
    excinfo = call.excinfo
    config = item.config
    target = config.stash[TARGET]
    if excinfo.errisinstance(KataBroken):
        return "broken", str(excinfo.value)
    if excinfo.errisinstance(NotImplementedError):
        entry = _frame_in_target(excinfo, target)
        if entry is not None:
            rel = _relative(Path(str(entry.path)), config)
            func = entry.name
            return "not started", t(
                f"not started: `{func}` ({rel}, line {entry.lineno + 1}) still raises "
                f"NotImplementedError. Replace the TODO with your code "
                f"(a nudge: dojo hint {step_of(item)}).",
                f"尚未开始:`{func}`({rel} 第 {entry.lineno + 1} 行)仍然抛出 NotImplementedError。"
                f"用你的代码替换 TODO(提示:dojo hint {step_of(item)})。",
            )
    if excinfo.errisinstance((pytest.fail.Exception, pytest.skip.Exception)):
        return "failing", None
    if excinfo.errisinstance(AssertionError) and _frame_in_target(excinfo, target) is None:
        return "failing", None
    value = excinfo.value
    text = f"{type(value).__name__}: {value}"
    meaning = explain(text)
    entry = _frame_in_target(excinfo, target)
    if entry is None:
        if meaning is None:
            return "failing", None  # the test's own traceback says more
        return "failing", t(
            f"{text}\n  what it means: {meaning}{_notes(value)}",
            f"{text}\n  含义:{meaning}{_notes(value)}",
        )
    rel = _relative(Path(str(entry.path)), config)
    try:
        source = str(entry.statement).strip()
    except Exception:  # noqa: BLE001
        source = ""
    lines = [
        t(
            f"your code raised {text}",
            f"你的代码抛出了 {text}",
        ),
        t(f"  at {rel}, line {entry.lineno + 1}: {source}", f"  位置:{rel} 第 {entry.lineno + 1} 行:{source}"),
    ]
    if meaning:
        lines.append(t(f"  what it means: {meaning}", f"  含义:{meaning}"))
    return "failing", "\n".join(lines) + _notes(value)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    state = None
    if report.passed and report.when == "call":
        state = "passed"
    elif report.skipped:
        state = "skipped"
    elif report.failed and call.excinfo is not None:
        state, message = classify(item, call)
        if message is not None:
            report.longrepr = message
    if state is not None:
        report.user_properties = [*report.user_properties, ("dojo_state", state)]
    return report


# --- progress --------------------------------------------------------------------------------


class _Recorder:
    """Collects the outcome of every test of one session (one per config, so that a pytest run
    inside a test, as the maintainers' suite does, keeps its own records)."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        if "dojo_state" not in props:
            return
        self.config.stash[RECORDS].append(
            {
                "nodeid": report.nodeid,
                "step": props.get("dojo_step"),
                "when": report.when,
                "state": props["dojo_state"],
                "message": _message(report),
                "duration": round(report.duration, 4),
            }
        )


def _message(report) -> str | None:
    if not report.failed:
        return None
    longrepr = report.longrepr
    if isinstance(longrepr, str):
        return longrepr
    try:
        crash = longrepr.reprcrash.message
    except AttributeError:
        crash = str(longrepr)
    return crash


def step_states(records: list[dict]) -> dict[str, str]:
    """solved / not started / failing / broken for every step that ran (skips ignored)."""
    by_step: dict[str, list[str]] = defaultdict(list)
    for record in records:
        if record["step"] and record["state"] != "skipped":
            by_step[record["step"]].append(record["state"])
    states = {}
    for step, outcomes in by_step.items():
        if "broken" in outcomes:
            states[step] = "broken"
        elif all(o == "passed" for o in outcomes):
            states[step] = "solved"
        elif all(o == "not started" for o in outcomes):
            states[step] = "not started"
        else:
            states[step] = "failing"
    return states


def progress_line(states: dict[str, str]) -> str | None:
    if not states:
        return None
    try:
        from dojo.catalog import load

        order = [s.id for s in load().steps]
    except Exception:  # noqa: BLE001 - the summary must never break a run
        order = []
    ran = sorted(states, key=lambda s: order.index(s) if s in order else len(order))
    solved = [s for s in ran if states[s] == "solved"]
    todo = [s for s in ran if states[s] != "solved"]
    line = t(
        f"dojo: {len(solved)}/{len(ran)} katas solved",
        f"dojo:已完成 {len(solved)}/{len(ran)} 个 kata",
    )
    if todo:
        line += t(
            f" · next: {todo[0]} ({states[todo[0]]}) → dojo check {todo[0]}",
            f" · 下一个:{todo[0]}({_STATE_ZH.get(states[todo[0]], states[todo[0]])})→ "
            f"dojo check {todo[0]}",
        )
    return line


_STATE_ZH = {"solved": "已完成", "not started": "尚未开始", "failing": "未通过", "broken": "无法导入"}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    records = config.stash.get(RECORDS, [])
    line = progress_line(step_states(records))
    if line:
        terminalreporter.write_line(line, bold=True)


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    path = config.getoption("dojo_report")
    if path:
        records = config.stash.get(RECORDS, [])
        data = {
            "target": str(config.stash[TARGET]),
            "exitstatus": int(exitstatus),
            "tests": records,
            "steps": step_states(records),
        }
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
