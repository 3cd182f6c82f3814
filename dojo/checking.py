"""What `dojo list`, `check` and `watch` share: where the project is, which kata a name means,
running a kata's tests and saying what came of it.

Nothing here imports torch: the tests run in a child process (dojo/guard.py) that is stopped if
the learner's code hangs where the plugin's time budget cannot interrupt it; after such a stop
the katas not yet checked are run again in a fresh child, so that each still gets its state.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from dojo import ui
from dojo.catalog import Catalog, Step, UnknownStep, load
from dojo.i18n import lang, t
from dojo.paths import find_project
from dojo.progress import Progress, fingerprint


class DojoError(Exception):
    """A problem of the learner's setup or input: one clear line, and a way out. No traceback."""

    def __init__(self, line: str, code: int = 2):
        super().__init__(line)
        self.code = code


# --- the project -----------------------------------------------------------------------------


def locate_project(*, allow_missing_katas: bool = False) -> Path:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "katas").is_dir() and (folder / "tests").is_dir():
            return folder
        if (folder / "tests").is_dir() and (folder / "conftest.py").is_file() and any(
            (folder / "tests").glob("test_*.py")
        ):
            if allow_missing_katas:
                return folder
            raise DojoError(
                t(
                    f"{folder} has no katas/ folder (moved or deleted?): "
                    f"`dojo reset --all` writes the shipped stubs back.",
                    f"{folder} 中没有 katas/ 文件夹(被移动或删除了?):"
                    f"运行 `dojo reset --all` 可以恢复原始练习文件。",
                )
            )
    found = find_project()
    if found is not None:
        return found
    raise DojoError(
        t(
            "no katas here: run dojo inside your copy of the project (the folder with katas/ "
            "and tests/), e.g. `cd pytorch-pitfall-katas`.",
            "这里没有 kata:请在项目文件夹(包含 katas/ 和 tests/ 的那个)里运行 dojo,"
            "例如 `cd pytorch-pitfall-katas`。",
        )
    )


def catalog() -> Catalog:
    try:
        return load()
    except Exception as err:  # noqa: BLE001 - a broken install, said in one line
        raise DojoError(
            t(f"the kata catalog cannot be read ({err}): reinstall the package "
              f"(pip install -e .).",
              f"无法读取 kata 目录({err}):请重新安装(pip install -e .)。")
        ) from None


def resolve(cat: Catalog, name: str) -> list[Step]:
    name = name.strip().removesuffix(".py").split("/")[-1]
    name = name.removeprefix("test_") if name.startswith("test_") else name
    try:
        return cat.resolve(name)
    except UnknownStep as err:
        close = err.suggestions
        if close:
            hint = t(f"did you mean: {', '.join(close)}?", f"你是不是想找:{'、'.join(close)}?")
        else:
            hint = t("`dojo list` shows every kata.", "`dojo list` 会列出所有 kata。")
        raise DojoError(t(f"no kata named '{name}': {hint}", f"没有名为 '{name}' 的 kata:{hint}"))


def text(step: Step, field: str) -> str:
    """A catalog text, tolerating an entry still being written (falls back to the id)."""
    try:
        value = step.text(field)
    except (KeyError, AttributeError):
        value = ""
    return value or (step.id if field == "title" else "")


def hints(step: Step) -> tuple[str, ...]:
    try:
        return tuple(step.hint_list())
    except (KeyError, AttributeError):
        return ()


def has_tests(project: Path, module: str) -> bool:
    return (project / "tests" / f"test_{module}.py").is_file()


def kata_file(project: Path, module: str) -> Path:
    return project / "katas" / f"{module}.py"


def rel(project: Path, path: Path) -> str:
    try:
        return str(path.relative_to(project))
    except ValueError:
        return str(path)


# --- running ---------------------------------------------------------------------------------


_WARM = []


def warm() -> None:
    """Import what the tests need, then hide it from the garbage collector: pytest runs full
    collections at the end of a session, about 0.2 s each with torch loaded."""
    if _WARM:
        return
    import gc

    for name in ("torch", "hypothesis", "pytest"):
        try:
            __import__(name)
        except ImportError:
            pass
    gc.collect()
    gc.freeze()
    _WARM.append(True)


def run(project: Path, modules: list[str], steps: list[str] | None = None,
        extra: tuple[str, ...] = ()) -> dict:
    """Run the tests of `modules` against katas/ in this process; the report as a dict."""
    from dojo.runner import run_tests

    warm()
    modules = [m for m in modules if has_tests(project, m)]
    if not modules:
        return {"exitcode": 5, "tests": [], "steps": {}, "output": ""}
    outcome = run_tests(project, project / "katas", modules, steps=steps, lang=lang(),
                        extra=("--continue-on-collection-errors", *extra))
    return {
        "exitcode": outcome.exitcode,
        "tests": outcome.tests,
        "steps": outcome.steps,
        "output": outcome.output[-4000:],
    }


def outcome(report: dict, steps: list[str]) -> dict:
    """A guarded child's report as a run's outcome (`tests`, `steps`, `exitcode`, `output`):
    a child stopped or crashed gives the records it got to, the test it was in marked as
    such, and `stopped` (the step it was in, if any)."""
    from dojo.pytest_plugin import step_states

    if not any(key in report for key in ("timeout", "crashed", "stalled")):
        return report
    tests = list(report.get("tests", []))
    step = report.get("step")
    if "crashed" in report:
        ran = {r["step"] for r in tests}
        step = step or next((s for s in steps if s not in ran), steps[0] if steps else None)
        tests.append({"nodeid": report.get("nodeid") or "", "step": step, "when": "call",
                      "state": "crashed", "message": report["crashed"], "duration": None})
    return {
        "exitcode": 1 if step else 3,
        "tests": tests,
        "steps": step_states(tests),
        "output": report.get("stalled", ""),
        "stopped": {"step": step},
    }


def run_guarded(project: Path, cat: Catalog, steps: list[Step], budget: float | None = None):
    """Run the tests of these steps in guarded children (in this process where there is no
    fork); the outcome of them all. A child that has to be stopped is followed by another for
    the steps it did not reach."""
    from dojo import guard

    pending = [s for s in steps if has_tests(project, s.module)]
    tests: list[dict] = []
    codes, output = [5], ""
    while pending:
        modules = list(dict.fromkeys(s.module for s in pending))
        whole = all(len([s for s in pending if s.module == m]) == len(cat.steps_of(m))
                    for m in modules)
        ids = None if whole else [s.id for s in pending]
        if guard.can_fork():
            report = outcome(guard.run(project, modules, ids, budget=budget),
                             [s.id for s in pending])
        else:
            report = run(project, modules, ids,
                         extra=("--budget", str(budget)) if budget else ())
        tests += report.get("tests", [])
        codes.append(int(report.get("exitcode", 5)))
        output = report.get("output", "") or output
        stopped = report.get("stopped")
        if stopped is None:
            break
        reached = {r.get("step") for r in report.get("tests", [])} | {stopped.get("step")}
        rest = [s for s in pending if s.id not in reached]
        if len(rest) == len(pending):
            break
        pending = rest
    from dojo.pytest_plugin import step_states

    worst = [c for c in codes if c not in (0, 5)]
    exitcode = max(worst) if worst else min(codes)
    return {"exitcode": exitcode, "tests": tests, "steps": step_states(tests), "output": output}


def record(project: Path, progress: Progress, cat: Catalog, verdicts: list[ui.Verdict]) -> None:
    """Remember each verdict as the learner's state of that step; never a broken environment's
    (nor a crash or an error of the run), which says nothing of their file."""
    for verdict in verdicts:
        if verdict.state in ("solved", "failing", "not started", "broken", "timeout"):
            module = cat.get(verdict.step).module
            progress.record_state(verdict.step, fingerprint(project, module), verdict.state)


def check_steps(project: Path, cat: Catalog, steps: list[Step], progress: Progress):
    """Check these steps (one test run per module); their verdicts, recorded in progress."""
    verdicts = ui.verdicts_from(run_guarded(project, cat, steps), [s.id for s in steps])
    record(project, progress, cat, verdicts)
    return verdicts


def states(project: Path, cat: Catalog, progress: Progress, *, fresh: bool = False):
    """{step: state} for every catalog step, re-running only the katas changed since the last
    run (every kata with `fresh`)."""
    result: dict[str, str] = {}
    stale = []
    for module in cat.modules():
        if not has_tests(project, module):
            for step in cat.steps_of(module):
                result[step.id] = "no tests"
            continue
        key = fingerprint(project, module)
        cached = {s.id: progress.cached_state(s.id, key) for s in cat.steps_of(module)}
        if fresh or any(v is None for v in cached.values()):
            stale.append(module)
        else:
            result.update(cached)
    if stale:
        steps = [s for m in stale for s in cat.steps_of(m)]
        verdicts = ui.verdicts_from(run_guarded(project, cat, steps), [s.id for s in steps])
        record(project, progress, cat, verdicts)
        result.update({v.step: v.state for v in verdicts})
    return {s.id: result.get(s.id, "no tests") for s in cat.steps}


def next_step(cat: Catalog, states_: dict[str, str], after: str | None = None) -> Step | None:
    """The first unsolved step (that has tests), in teaching order; after `after` if given,
    wrapping around."""
    steps = list(cat.steps)
    if after is not None:
        ids = [s.id for s in steps]
        if after in ids:
            i = ids.index(after) + 1
            steps = steps[i:] + steps[:i]
    for step in steps:
        if states_.get(step.id) not in ("solved", "no tests", "skipped", None):
            return step
    return None


def first_open(steps: list[Step], known: dict[str, str]) -> Step:
    """Of a module's steps (a koans file holds several), the first not yet solved; else the
    first."""
    return next((s for s in steps if known.get(s.id) != "solved"), steps[0])


def guess_current(project: Path, cat: Catalog, progress: Progress) -> Step | None:
    """The kata the learner is on, from what was last seen (no test is run)."""
    if progress.current:
        try:
            step = cat.get(progress.current)
            if progress.any_cached_state(step.id) != "solved":
                return step
        except UnknownStep:
            pass
    for step in cat.steps:
        if not has_tests(project, step.module):
            continue
        key = fingerprint(project, step.module)
        if progress.cached_state(step.id, key) != "solved":
            return step
    return None


# --- saying it -------------------------------------------------------------------------------


def headline(step: Step, verdict: ui.Verdict) -> Text:
    line = ui.state_text(verdict.state)
    line.append("  ")
    line.append(step.id, style="bold")
    title = text(step, "title")
    if title and title != step.id:
        line.append(f" — {title}")
    if verdict.total and verdict.state in ("solved", "failing"):
        line.append(t(f"  ({verdict.passed}/{verdict.total} tests pass)",
                      f"  (通过 {verdict.passed}/{verdict.total} 个测试)"), style="dim")
    return line


def show_verdict(project: Path, cat: Catalog, progress: Progress, verdict: ui.Verdict) -> None:
    step = cat.get(verdict.step)
    ui.say(headline(step, verdict))
    path = rel(project, kata_file(project, step.module))
    if verdict.state == "solved":
        return
    if verdict.state == "not started":
        ui.say(t(f"  Open {path} and replace the TODOs with your code.",
                 f"  打开 {path},用你的代码替换 TODO。"))
    if verdict.test and verdict.state in ("failing", "broken", "timeout", "crashed",
                                          "environment"):
        ui.say(f"  {verdict.test}", style="dim")
    if verdict.message:  # indented by hand: a Padding would crop long (or Chinese) lines
        ui.say("\n".join("  " + line for line in verdict.message.splitlines()))
    if verdict.output:
        show_output(verdict.output)
    if verdict.state in ("failing", "not started", "timeout"):
        total = len(hints(step))
        used = progress.hints_used(step.id)
        if total and used < total:
            ui.say(t(f"  Stuck? dojo hint {step.id}   (hint {used + 1} of {total})",
                     f"  卡住了?dojo hint {step.id}   (第 {used + 1}/{total} 条提示)"), style="cyan")
        else:
            ui.say(t(f"  The idea behind it: dojo explain {step.id}",
                     f"  背后的概念:dojo explain {step.id}"), style="cyan")


OUTPUT_SHOWN = 20  # lines of what the learner's code printed


def show_output(output: str) -> None:
    """What the learner's code printed during the test, labelled as theirs (the last lines)."""
    lines = output.rstrip("\n").splitlines()
    if lines and lines[0].startswith("[... ") and lines[0].endswith(" earlier lines ...]"):
        earlier = int("".join(ch for ch in lines[0] if ch.isdigit()) or 0)
        lines = lines[1:]
    else:
        earlier = 0
    if len(lines) > OUTPUT_SHOWN:
        earlier += len(lines) - OUTPUT_SHOWN
        lines = lines[-OUTPUT_SHOWN:]
    if earlier:
        label = t(f"  What your code printed during this test (the last {len(lines)} lines; "
                  f"{earlier} earlier ones not shown):",
                  f"  你的代码在这个测试中打印的内容(最后 {len(lines)} 行;前面 {earlier} 行未显示):")
    else:
        label = t("  What your code printed during this test:", "  你的代码在这个测试中打印的内容:")
    ui.say(label, style="dim")
    ui.say("\n".join("  | " + line for line in lines))


def offer_next(cat: Catalog, step: Step | None, *, watching: bool = False) -> None:
    if step is None:
        ui.say(t("  Every kata is solved. Well done!", "  所有 kata 都完成了,干得漂亮!"),
               style="bold green")
        return
    title = text(step, "title")
    shown = f"{step.id} — {title}" if title != step.id else step.id
    if watching:
        ui.say(t(f"  Next: {shown}: open katas/{step.module}.py (checked on every save).",
                 f"  下一个:{shown}:打开 katas/{step.module}.py(每次保存都会检查)。"),
               style="bold cyan")
    else:
        ui.say(t(f"  Next: {shown}  →  dojo check {step.id}",
                 f"  下一个:{shown}  →  dojo check {step.id}"), style="bold cyan")
