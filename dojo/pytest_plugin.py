"""The pytest plugin behind every kata test (loaded by the project's `conftest.py`, or with
`-p dojo.pytest_plugin` where there is no checkout: notebooks, the grader).

- `--target PATH`: the folder whose `<kata>.py` files are tested (default `katas`).
- `--kata NAME`: only the tests of these catalog steps (or modules), e.g. `--kata zero_grad`.
- `--lang en|zh`: the language of the teaching messages.
- `--dojo-report FILE`: a JSON report of every test's outcome, for `dojo` and the grader.
- the `kata` fixture: the module under test, loaded from the target on first use, so that a
  missing or broken file fails its own kata's tests (with file, line and error) and no other.
- reports that teach: a kata not started says so in one line; a learner's exception is shown
  with the line it came from and, for PyTorch's well-known errors, what it means; a syntax error
  with its line and a caret.
- time budgets (dojo/budget.py): each kata test runs under its step's `budget` from the catalog
  (`--budget SECONDS` overrides it, DOJO_BUDGET_SCALE multiplies it). Code that runs out of time
  fails with the line it was running; the step's later tests then fail at once. pytest-timeout
  (the `timeout` ini setting) keeps timing every other test. A job of `dojo grade` has no
  budget: the grader's own wall clock stops it, and its report says "timeout" for the kata.
- `--dojo-stream FILE`: one JSON line per event (a phase starts, a test ends, time runs out), so
  that a supervisor (`dojo check`, `dojo watch`) knows where a run that it had to kill was.
  `--dojo-supervised`: a supervisor ends a run stuck in C code; without it the plugin does.
- kata tests run in the catalog's teaching order; the last line above pytest's closing summary
  says how many katas are solved and which is next.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import random
import sys
import traceback
from collections import defaultdict
from pathlib import Path

import pytest

from dojo import budget as budgets
from dojo import i18n
from dojo.explain import describe, explain
from dojo.i18n import t

TARGET = pytest.StashKey[Path]()
MODULES = pytest.StashKey[dict]()
RECORDS = pytest.StashKey[list]()
TIMED_OUT = pytest.StashKey[dict]()  # step -> (seconds, Where or None, its file as shown)
STREAM = pytest.StashKey[object]()
STACKS = pytest.StashKey[object]()  # where faulthandler writes the stacks of a stuck test
PHASES = pytest.StashKey[dict]()  # on an item: when -> its Budget
CLASSIFIED = pytest.StashKey[tuple]()  # on an item: (excinfo, state, message) of its failure
FAILED_STATES = ("failing", "not started", "broken", "timeout", "environment")  # what classify can say
OWN_SUITES = ("maintainers", "benchmarks")
OUTPUT_LINES = 40  # of what the learner's code printed, kept in a record (the last lines)


class KataBroken(Exception):
    """The learner's file is missing, does not import, or lacks a function the kata asks for."""


class EnvironmentBroken(Exception):
    """Importing the learner's file failed in a dependency (dojo.environment): not their code."""


class AfterTimeout(Exception):
    """A test not run because an earlier test of its step ran out of time."""


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
    group.addoption(
        "--budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds each kata test may run (default: the catalog's budget of its kata, times "
        "DOJO_BUDGET_SCALE)",
    )
    group.addoption("--dojo-stream", default=None, metavar="FILE",
                    help="append one JSON line per test event (for a supervising process)")
    group.addoption("--dojo-supervised", action="store_true", default=False,
                    help="a supervising process ends a run stuck in C code (no hard exit here)")


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
    config.stash[TIMED_OUT] = {}
    stream = config.getoption("dojo_stream")
    config.stash[STREAM] = open(stream, "a", encoding="utf-8", buffering=1) if stream else None
    config.stash[STACKS] = open(stream + ".stacks", "w", encoding="utf-8") if stream else None
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


def _wanted_modules(config) -> set[str] | None:
    """The kata modules that `--kata` asks for (None: no --kata, or names to be reported)."""
    wanted = config.getoption("kata")
    if not wanted:
        return None
    from dojo.catalog import UnknownStep, load

    try:
        catalog = load()
        return {s.module for name in wanted for s in catalog.resolve(name)}
    except (UnknownStep, Exception):  # noqa: BLE001 - pytest_collection_modifyitems says it
        return None


def pytest_ignore_collect(collection_path, config):
    """The maintainers' suite and the benchmarks run with the reference (`--target solutions`)
    or when benchmarks are asked for; a learner's `pytest` runs only the katas. With `--kata`,
    the other katas' test files are not even imported."""
    modules = _wanted_modules(config)
    if modules is not None and collection_path.parent.name == "tests":
        if collection_path.name in OWN_SUITES:
            return True
        name = collection_path.name
        if name.startswith("test_") and name.endswith(".py") and name[5:-3] not in modules:
            from dojo.catalog import load

            if name[5:-3] in load().modules():
                return True
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
    _teaching_order(items)
    for item in items:
        if step_of(item):
            _classify_before_formatting(item)
    if any(i.get_closest_marker("gpu") for i in items):
        import torch

        if not torch.cuda.is_available():
            skip = pytest.mark.skip(
                reason=t("needs CUDA: no GPU on this machine", "需要 CUDA:这台机器没有 GPU")
            )
            for item in items:
                if item.get_closest_marker("gpu"):
                    item.add_marker(skip)


def _teaching_order(items) -> None:
    """Kata tests first, in the catalog's order of their steps (koans_references first), each
    step's tests in their file's order; every other test after them, in its own order."""
    steps = [step_of(i) for i in items]
    if not any(steps):
        return
    try:
        from dojo.catalog import load

        position = {s.id: s.position for s in load().steps}
    except Exception:  # noqa: BLE001 - a broken catalog must not stop a run
        return
    last = len(position)
    keyed = sorted(
        range(len(items)),
        key=lambda k: (0, position.get(steps[k], last), k) if steps[k] else (1, 0, k),
    )
    items[:] = [items[k] for k in keyed]


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
        if isinstance(found, (KataBroken, AfterTimeout)):
            raise found.with_traceback(None)  # a fresh traceback: re-raising the cached one grows it on every raise
        return found
    path = config.stash[TARGET] / f"{name}.py"
    rel = _relative(path, config)
    try:
        module = _import_file(path, rel, name)
    except KataBroken as err:
        cache[name] = err
        raise
    except budgets.OutOfTime:  # its top level does not finish: no later test imports it again
        cache[name] = AfterTimeout(t(
            f"not run: importing {rel} ran out of time in an earlier test; code at the top "
            f"level of a kata file runs on import: keep it inside functions.",
            f"未运行:在前面的测试中导入 {rel} 已经超时;kata 文件顶层的代码会在导入时执行,"
            f"请把它放进函数里。"))
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
        raise KataBroken(syntax_error(err, rel)) from None
    except BaseException as err:  # noqa: BLE001 - exit() at import must not stop the run
        sys.modules.pop(module_name, None)
        if isinstance(err, (KeyboardInterrupt, budgets.OutOfTime)):
            raise
        from dojo import environment

        problem = environment.problem(err)
        if problem is not None:
            raise EnvironmentBroken(problem) from None
        line = _line_in(err, path)
        where = t(f"{rel}, line {line}", f"{rel} 第 {line} 行") if line else rel
        raise KataBroken(
            t(
                f"{where}: importing the file raised {describe(err)}. Code at the top level of "
                f"a kata file runs on import; keep it inside functions.",
                f"{where}:导入文件时抛出 {describe(err)}。kata 文件顶层的代码会在导入时执行,"
                f"请把它放进函数里。",
            )
        ) from None
    return module


def syntax_error(err: SyntaxError, rel: str) -> str:
    """A syntax error as Python shows it: where, what, the line and a caret under the spot."""
    kind = type(err).__name__
    lines = [t(f"{rel}, line {err.lineno}: {kind}: {err.msg}",
               f"{rel} 第 {err.lineno} 行:{kind}:{err.msg}")]
    text = (err.text or "").rstrip("\r\n").expandtabs(8)
    if text.strip():
        code = text.lstrip()
        lines.append("    " + code)
        if err.offset and err.offset > 0:
            start = max(err.offset - 1 - (len(text) - len(code)), 0)
            width = 1
            if err.end_offset and err.end_lineno == err.lineno and err.end_offset > err.offset:
                width = err.end_offset - err.offset
            width = max(1, min(width, len(code) - start))
            lines.append("    " + " " * min(start, len(code)) + "^" * width)
    lines.append(t("The file does not import, so none of its tests can run; the other katas "
                   "are not affected.",
                   "文件无法导入,它的测试都无法运行;其他 kata 不受影响。"))
    return "\n".join(lines)


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
    """Every test starts from the same random state, and leaves grad mode and torch's default
    dtype as it found them."""
    random.seed(0)
    try:
        import numpy

        numpy.random.seed(0)
    except ImportError:  # pragma: no cover
        pass
    torch = sys.modules.get("torch")
    if torch is not None:
        seed_torch(torch, 0)
        modes = (torch.is_grad_enabled(), torch.get_default_dtype())
    yield
    if torch is not None:  # a learner's code that left autograd off must not spoil the next test
        torch.set_grad_enabled(modes[0])
        torch.set_default_dtype(modes[1])


_CUDA: list[bool] = []


def seed_torch(torch, seed: int) -> None:
    """`torch.manual_seed(seed)`, without its cost where there is no GPU: there it seeds the CPU
    generator alone, while `manual_seed` would also queue a seed for CUDA (formatting the Python
    stack each time: about 2 ms, a tenth of a small test)."""
    if not _CUDA:
        _CUDA.append(bool(torch.cuda.is_available()))
    if _CUDA[0]:
        torch.manual_seed(seed)
    else:
        torch.random.default_generator.manual_seed(seed)


# --- time budgets ----------------------------------------------------------------------------


def budget_of(item) -> float | None:
    """Seconds each phase of this kata test may run (None: no budget: not a kata test)."""
    step = step_of(item)
    if step is None:
        return None
    # --budget, or pytest-timeout's --timeout when given on the command line (its ini setting
    # times every other test)
    override = item.config.getoption("budget", None) or item.config.getoption("timeout", None)
    if override:
        return float(override)
    from dojo.catalog import UnknownStep, load

    try:
        catalog = load()
    except Exception:  # noqa: BLE001 - a broken catalog must not stop a run
        from dojo.catalog import DEFAULT_BUDGET

        return DEFAULT_BUDGET * budgets.scale()
    try:
        seconds = catalog.get(step).budget_for(slow=item.get_closest_marker("slow") is not None)
    except UnknownStep:
        seconds = catalog.budget
    return seconds * budgets.scale()


def _emit(config, **event) -> None:
    """One line of the stream (`--dojo-stream`), if there is one."""
    stream = config.stash.get(STREAM, None)
    if stream is None:
        return
    try:
        stream.write(json.dumps(event, ensure_ascii=False) + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


def _supervised(config) -> bool:
    """Whether a supervising process ends a stuck run: a dojo command's child says so."""
    return bool(config.getoption("dojo_supervised", False))


def _real_stderr_fd(config) -> int:
    """The terminal's stderr, under pytest's capturing (for faulthandler's last resort)."""
    capman = config.pluginmanager.getplugin("capturemanager")
    err = getattr(getattr(capman, "_global_capturing", None), "err", None)
    fd = getattr(err, "targetfd_save", None)
    return fd if isinstance(fd, int) else 2


@contextlib.contextmanager
def _budgeted(item, when: str):
    seconds = budget_of(item)
    if seconds is None:
        yield
        return
    config = item.config
    step = step_of(item)

    def shown(where):
        return _relative(where.path, config) if where is not None else None

    def on_fire(where):
        rel = shown(where)
        config.stash[TIMED_OUT].setdefault(step, (seconds, where, rel))
        message = budgets.out_of_time(seconds, where, rel, printed=_lines_captured(config))
        _emit(config, event="timeout", nodeid=item.nodeid, step=step, when=when, message=message,
              where=budgets.where_as_dict(where, rel))
        return message

    def on_stuck(where):
        supervised = _supervised(config)
        message = budgets.stuck(seconds, where, shown(where),
                                t("the check", "这次检查") if supervised else "pytest")
        _emit(config, event="stuck", nodeid=item.nodeid, step=step, when=when, message=message,
              where=budgets.where_as_dict(where, shown(where)))
        if not supervised:
            _hard_exit(item, when, message)

    dump_fd, dump_exits = None, True
    if not _ini_float(config, "faulthandler_timeout"):  # else that setting has faulthandler
        if not _supervised(config):
            dump_fd = _real_stderr_fd(config)
        elif config.stash.get(STACKS, None) is not None:
            dump_fd, dump_exits = config.stash[STACKS].fileno(), False
    phase = budgets.Budget(seconds, config.stash[TARGET], on_fire=on_fire, on_stuck=on_stuck,
                           dump_fd=dump_fd, dump_exits=dump_exits)
    item.stash.setdefault(PHASES, {})[when] = phase
    _emit(config, event="phase", nodeid=item.nodeid, step=step, when=when, budget=seconds,
          hard=budgets.hard_limit(seconds))
    with phase:
        yield


def _lines_captured(config, cap: int = 64 << 20) -> int:
    """The lines the running test phase has printed so far (what pytest's capture holds: it is
    emptied after each phase), counted in at most `cap` bytes per stream; 0 when unknown."""
    capman = config.pluginmanager.getplugin("capturemanager")
    capturing = getattr(capman, "_global_capturing", None)
    lines = 0
    for stream in (getattr(capturing, "out", None), getattr(capturing, "err", None)):
        tmpfile = getattr(stream, "tmpfile", None)
        if tmpfile is None:
            continue
        try:
            fd = tmpfile.fileno()  # fd capture: a temporary file
            offset = 0
            while offset < cap:
                chunk = os.pread(fd, 1 << 20, offset)
                if not chunk:
                    break
                lines += chunk.count(b"\n")
                offset += len(chunk)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            buffer = getattr(tmpfile, "buffer", None)  # sys capture: in memory
            try:
                lines += buffer.getbuffer()[:cap].tobytes().count(b"\n")
            except (AttributeError, ValueError, TypeError):
                continue
    return lines


def _ini_float(config, name: str) -> float:
    try:
        return float(config.getini(name) or 0)
    except (ValueError, TypeError):
        return 0.0


def _hard_exit(item, when: str, message: str) -> None:
    """From the watchdog thread: the learner's code cannot be interrupted. Say so on the
    terminal, keep the report, end the process."""
    config = item.config
    record = {"nodeid": item.nodeid, "step": step_of(item), "when": when, "state": "timeout",
              "message": message, "duration": None}
    config.stash[RECORDS].append(record)
    try:
        _write_report(config, 1)
    except Exception:  # noqa: BLE001
        pass
    capman = config.pluginmanager.getplugin("capturemanager")
    try:
        if capman is not None:
            capman.suspend_global_capture(in_=True)
    except Exception:  # noqa: BLE001
        pass
    try:
        out = sys.stderr
        out.write(f"\n{item.nodeid}\n" + "\n".join("  " + ln for ln in message.splitlines()))
        line = progress_line(step_states(config.stash[RECORDS]))
        out.write("\n" + (line + "\n" if line else ""))
        out.flush()
    finally:
        os._exit(1)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_timeout_set_timer(item, settings):
    """pytest-timeout: a kata test is timed here (its budget), not by the `timeout` setting."""
    return True if step_of(item) is not None else None


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_timeout_cancel_timer(item):
    return True if step_of(item) is not None else None


# --- reports that teach ----------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    item.user_properties.append(("dojo_step", step_of(item)))
    with _budgeted(item, "setup"):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    step = step_of(item)
    spent = item.config.stash[TIMED_OUT].get(step) if step else None
    if spent:  # an earlier test of this step ran out of time: fail at once
        raise AfterTimeout(budgets.after_timeout(step, *spent))
    with _budgeted(item, "call"):
        return (yield)


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


class _Failed:
    """What `classify` reads of a CallInfo: the exception and the phase."""

    def __init__(self, excinfo, when: str):
        self.excinfo, self.when = excinfo, when


def _classify_before_formatting(item) -> None:
    """pytest formats a failed test's whole traceback (every frame's source, found by parsing
    its file) before the report reaches `pytest_runtest_makereport`; where the dojo shows its
    own message instead, that work was thrown away: more than half of `dojo`'s time on a
    fresh workspace, whose every test fails in a stub. The kata's tests classify their failure
    first and keep pytest's text only where the dojo has nothing better to say."""
    original = item.repr_failure

    def repr_failure(excinfo, *args, **kwargs):
        state, message = classify(item, _Failed(excinfo, "call"))
        if message is None:
            return original(excinfo, *args, **kwargs)
        item.stash[CLASSIFIED] = (excinfo, state, message)
        return message

    item.repr_failure = repr_failure


def classify(item, call):
    """(state, message or None): the dojo state of a failed phase and the text to show."""
    excinfo = call.excinfo
    config = item.config
    target = config.stash[TARGET]
    phase = item.stash.get(PHASES, {}).get(call.when)
    if phase is not None and phase.fired:
        return "timeout", phase.message
    if excinfo.errisinstance(AfterTimeout):
        return "timeout", str(excinfo.value)
    if excinfo.errisinstance(EnvironmentBroken):
        return "environment", str(excinfo.value)
    from dojo import environment

    problem = environment.problem(excinfo.value)
    if problem is not None:  # a dependency that does not import: no kata is at fault
        return "environment", problem
    if excinfo.errisinstance(KataBroken):
        return "broken", str(excinfo.value)
    if excinfo.errisinstance(NotImplementedError):
        entry = _frame_in_target(excinfo, target)
        # raised by the learner's file itself (the stub's `raise`), not by PyTorch on its
        # behalf (an operation torch has no kernel for is an error of the code, not a stub)
        if entry is not None and entry is excinfo.traceback[-1]:
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
    text = describe(value)
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
    known = _classified(item)  # taken out whatever the outcome: it keeps the traceback alive
    state = None
    phase = item.stash.get(PHASES, {}).get(call.when)
    if phase is not None and phase.fired and report.passed:
        # the time ran out, and the learner's code swallowed the interruption and returned
        report.outcome = "failed"
        report.longrepr = phase.message
        state = "timeout"
    elif report.passed and report.when == "call":
        state = "passed"
    elif report.skipped:
        state = "skipped"
    elif report.failed and call.excinfo is not None:
        if known is not None and known[0] is call.excinfo and known[1] in FAILED_STATES:
            state, message = known[1:]
        else:
            state, message = classify(item, call)
        if message is not None:
            report.longrepr = message
        else:
            _without_failed_label(report, call.excinfo)
    if state is not None:
        report.user_properties = [*report.user_properties, ("dojo_state", state)]
    return report


def _without_failed_label(report, excinfo) -> None:
    """A test's own teaching message (`pytest.fail`) reaches the learner as it is: pytest's
    "Failed: " before it (in its short summary and in the records) is an English label, also
    inside a Chinese line."""
    if not excinfo.errisinstance(pytest.fail.Exception):
        return
    crash = getattr(report.longrepr, "reprcrash", None)
    text = getattr(crash, "message", None)
    if isinstance(text, str) and text.startswith("Failed: "):
        try:
            crash.message = text[len("Failed: "):]
        except AttributeError:  # pragma: no cover - a frozen report of another pytest
            pass


def _classified(item) -> tuple | None:
    """What `_classify_before_formatting` found for this item's failure, taken out of the
    stash (it holds the exception, and through it every frame and its tensors)."""
    known = item.stash.get(CLASSIFIED, None)
    if known is not None:
        del item.stash[CLASSIFIED]
    return known


# --- progress --------------------------------------------------------------------------------


class _Recorder:
    """Collects the outcome of every test of one session (one per config, so that a pytest run
    inside a test, as the maintainers' suite does, keeps its own records)."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        record = None
        if "dojo_state" in props:
            record = {
                "nodeid": report.nodeid,
                "step": props.get("dojo_step"),
                "when": report.when,
                "state": props["dojo_state"],
                "message": _message(report),
                "duration": round(report.duration, 4),
            }
            output = _printed(report)
            if output:
                record["output"] = output
            self.config.stash[RECORDS].append(record)
        _emit(self.config, event="end", nodeid=report.nodeid, when=report.when, record=record)


def _printed(report) -> str | None:
    """What the test printed (the learner's code, mostly), when it failed: the last lines."""
    if not report.failed:
        return None
    text = "".join(content for name, content in report.sections
                   if name.startswith("Captured std") and content)
    if not text.strip():
        return None
    lines = text.rstrip("\n").splitlines()
    if len(lines) > OUTPUT_LINES:
        lines = [f"[... {len(lines) - OUTPUT_LINES} earlier lines ...]", *lines[-OUTPUT_LINES:]]
    return "\n".join(line[:300] for line in lines)


def _message(report) -> str | None:
    if not report.failed:
        return None
    longrepr = report.longrepr
    if isinstance(longrepr, str):
        return longrepr
    try:
        return longrepr.reprcrash.message
    except AttributeError:
        return str(longrepr)


def step_states(records: list[dict]) -> dict[str, str]:
    """solved / not started / failing / broken / timeout for every step that ran (skips
    ignored)."""
    by_step: dict[str, list[str]] = defaultdict(list)
    for record in records:
        if record["step"] and record["state"] != "skipped":
            by_step[record["step"]].append(record["state"])
    states = {}
    for step, outcomes in by_step.items():
        if "environment" in outcomes:
            states[step] = "environment"
        elif "broken" in outcomes:
            states[step] = "broken"
        elif "crashed" in outcomes:
            states[step] = "crashed"
        elif "timeout" in outcomes:
            states[step] = "timeout"
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
            f" · next: {todo[0]} ({_STATE_EN.get(states[todo[0]], states[todo[0]])}) → "
            f"dojo check {todo[0]}",
            f" · 下一个:{todo[0]}({_STATE_ZH.get(states[todo[0]], states[todo[0]])})→ "
            f"dojo check {todo[0]}",
        )
    return line


_STATE_EN = {"timeout": "timed out", "environment": "the environment is broken"}
_STATE_ZH = {"solved": "已完成", "not started": "尚未开始", "failing": "未通过", "broken": "无法导入",
             "timeout": "超时", "environment": "运行环境有问题"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The katas solved, as the last line above pytest's closing `=== N passed ===`: this
    wrapper runs outside pytest's own, after its failures and short summary."""
    result = yield
    records = config.stash.get(RECORDS, [])
    line = progress_line(step_states(records))
    if line:
        terminalreporter.write_line(line, bold=True)
    return result


def _write_report(config, exitstatus: int) -> None:
    path = config.getoption("dojo_report")
    if not path:
        return
    records = config.stash.get(RECORDS, [])
    data = {
        "target": str(config.stash[TARGET]),
        "exitstatus": int(exitstatus),
        "tests": records,
        "steps": step_states(records),
    }
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    _write_report(config, exitstatus)
    _emit(config, event="finish", exitstatus=int(exitstatus))


def pytest_unconfigure(config):
    for key in (STREAM, STACKS):
        handle = config.stash.get(key, None)
        if handle is not None:
            try:
                handle.close()
            except OSError:
                pass
