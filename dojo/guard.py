"""Kata tests in a child process that is stopped if it hangs: the hard backstop of `dojo check`,
`dojo` (the list) and `dojo watch`.

In the child the pytest plugin's budgets stop an endless loop with a teaching message (see
dojo/budget.py); what they cannot stop is code stuck inside C, where no Python signal handler
runs. So the child runs the tests with `--dojo-supervised` and `--dojo-stream FILE`: one JSON
line when a test phase starts (with its budget), when it ends, and when its time runs out. This
process reads the stream and kills the child's process group when a phase outlives its budget's
hard limit (or when nothing at all happens for `IDLE_LIMIT` seconds), then says which kata and
which test it was, with the line of the learner's file when the child could still name it.

The child is forked: from a parent that has not imported torch (`dojo check`, `dojo`), it
imports torch itself and keeps its threads; from one that has (`dojo watch` preloads it, a test
process has run torch), it first sets `torch.set_num_threads(1)`, since OpenMP's thread pool does
not survive a fork (`tests/maintainers/test_watch.py` proves the hang and its cure).
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dojo.i18n import lang, set_lang, t

IDLE_LIMIT = 240.0  # seconds without any event (starting up, collecting) before giving up
SLACK = 2.0  # seconds past a phase's hard limit before the child is killed
POLL = 0.5  # seconds between looks at the stream while waiting


def can_fork() -> bool:
    return hasattr(os, "fork")


def child_setup() -> None:
    """First thing in a forked child whose parent had torch: OpenMP's thread pool does not
    survive a fork, and a child that enters a parallel region the parent had used waits forever
    for its threads. With one thread torch never enters one."""
    import torch

    torch.set_num_threads(1)


# --- the child -------------------------------------------------------------------------------


_GATE: dict[str, int | None] = {"fd": None}


def pytest_collection_finish(session) -> None:
    """In a child on standby (`-p dojo.guard`): wait here, with pytest configured and the tests
    collected, until the parent says go. The learner's file is imported only by the tests
    themselves, so what they run is the file as it is when the parent says go."""
    fd = _GATE["fd"]
    if fd is None:
        return
    _GATE["fd"] = None
    try:
        data = os.read(fd, 16)
    except OSError:
        data = b""
    if not data:  # the parent is gone or gave up on this child
        os._exit(0)


def _forget_other_tests(project: Path) -> None:
    """Test modules that the parent loaded from another folder under the same names (`tests.`
    of another checkout: the maintainers' suite forks from a process that ran its own) would
    stop pytest from importing this project's: the child forgets them."""
    tests = (Path(project) / "tests").resolve()
    for name in [n for n in sys.modules if n == "tests" or n.startswith("tests.")]:
        where = getattr(sys.modules[name], "__file__", None)
        try:
            ours = where is not None and tests in Path(where).resolve().parents
        except (OSError, ValueError):
            ours = False
        if not ours:
            del sys.modules[name]


def _child_main(project: Path, modules: list[str], steps, language: str, log: str, stream: str,
                gate: int | None, had_torch: bool, budget: float | None, write_fd: int):
    """In the forked child: run the tests, write the report to the pipe, exit."""
    from dojo import checking as ck

    status = 0
    try:
        os.setpgid(0, 0)  # its own group: a kill reaches anything it started
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        if had_torch:
            child_setup()
        _forget_other_tests(project)
        set_lang(language)
        extra = ["--dojo-supervised", "--dojo-stream", stream]
        if budget:
            extra += ["--budget", str(budget)]
        if gate is not None:
            _GATE["fd"] = gate
            extra += ["-p", "dojo.guard"]
        report = ck.run(project, modules, steps, extra=tuple(extra))
        data = json.dumps(report).encode("utf-8")
    except BaseException as err:  # noqa: BLE001 - whatever happens, the parent hears of it
        data = json.dumps({"internal": f"{type(err).__name__}: {err}"}).encode("utf-8")
        status = 1
    try:
        view = memoryview(data)
        while view:
            n = os.write(write_fd, view)
            view = view[n:]
    finally:
        os._exit(status)


OPEN: set[int] = set()  # the parent's descriptors that no child should keep


def fork_run(target, *args, keep: tuple[int, ...] = ()) -> tuple[int, int]:
    """Fork; the child runs `target(*args, write_fd)` and must `os._exit`. (pid, read fd)."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            for fd in OPEN | {read_fd}:
                if fd not in keep:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
            target(*args, write_fd)
        finally:
            os._exit(1)
    os.close(write_fd)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    return pid, read_fd


# --- the parent's view of a child ------------------------------------------------------------


@dataclass
class Child:
    project: Path
    pid: int
    fd: int  # the report comes through here
    gate: int | None  # writing to it lets a child on standby run its tests
    log: str
    stream: str
    modules: list[str]
    steps: list[str] | None
    started: float
    going: bool = False
    chunks: list[bytes] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    phase: dict | None = None  # the phase running now: its event
    phase_at: float = 0.0
    last_event: float = 0.0
    _offset: int = 0
    _partial: bytes = b""

    @property
    def module(self) -> str:
        return self.modules[0]

    def go(self) -> None:
        """Run the tests now (a standby child has configured pytest and collected them)."""
        if self.going:
            return
        if self.gate is not None:
            try:
                os.write(self.gate, b"g")
            except OSError:
                pass
        self.going = True
        self.started = self.last_event = time.monotonic()

    def read_stream(self) -> None:
        """Take in the events the child has written since the last look."""
        try:
            with open(self.stream, "rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except OSError:
            return
        if not data:
            return
        self._offset += len(data)
        data = self._partial + data
        *lines, self._partial = data.split(b"\n")
        now = time.monotonic()
        for raw in lines:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            self.events.append(event)
            self.last_event = now
            kind = event.get("event")
            if kind == "phase":
                self.phase, self.phase_at = event, now
            elif kind == "end" and self.phase and event.get("nodeid") == self.phase["nodeid"]:
                self.phase = None

    def deadline(self) -> float:
        """When this child is to be given up on, as things stand."""
        if not self.going:
            return float("inf")
        if self.phase is not None:
            return self.phase_at + float(self.phase.get("hard", IDLE_LIMIT)) + SLACK
        return self.last_event + IDLE_LIMIT

    def records(self) -> list[dict]:
        return [e["record"] for e in self.events if e.get("event") == "end" and e.get("record")]

    def said(self, kind: str, nodeid: str | None) -> dict | None:
        return next((e for e in reversed(self.events)
                     if e.get("event") == kind and e.get("nodeid") == nodeid), None)


def start(project: Path, modules: list[str], steps=None, *, standby: bool = False,
          budget: float | None = None) -> Child:
    """A child that runs the tests of `modules` (only `steps`, if given): at once, or
    (standby) once `go` is called. `budget` overrides every test's budget."""
    handle, log = tempfile.mkstemp(prefix="dojo-check-", suffix=".log")
    os.close(handle)
    handle, stream = tempfile.mkstemp(prefix="dojo-check-", suffix=".jsonl")
    os.close(handle)
    gate_r = gate_w = None
    keep: tuple[int, ...] = ()
    if standby:
        gate_r, gate_w = os.pipe()
        keep = (gate_r,)
    had_torch = "torch" in sys.modules
    pid, fd = fork_run(_child_main, project, list(modules), steps, lang(), log, stream, gate_r,
                       had_torch, budget, keep=keep)
    if gate_r is not None:
        os.close(gate_r)
    OPEN.update(x for x in (fd, gate_w) if x is not None)
    now = time.monotonic()
    child = Child(Path(project), pid, fd, gate_w, log, stream, list(modules), steps, now,
                  last_event=now)
    if not standby:
        child.go()
    return child


def kill(child: Child) -> None:
    if child.pid <= 0:
        _reap(child)
        return
    for how in (lambda: os.killpg(child.pid, signal.SIGKILL),
                lambda: os.kill(child.pid, signal.SIGKILL)):
        try:
            how()
            break
        except (ProcessLookupError, PermissionError, OSError):
            continue
    _reap(child)


def _reap(child: Child) -> int | None:
    for fd in (child.fd, child.gate):
        if fd is None:
            continue
        OPEN.discard(fd)
        try:
            os.close(fd)
        except OSError:
            pass
    status = None
    if child.pid > 0:
        try:
            _, status = os.waitpid(child.pid, 0)
        except ChildProcessError:
            pass
        child.pid = -1
    for path in (child.log, child.stream, child.stream + ".stacks"):
        try:
            os.unlink(path)
        except OSError:
            pass
    return status


def alive(child: Child) -> bool:
    if child.pid <= 0:
        return False
    try:
        pid, _ = os.waitpid(child.pid, os.WNOHANG)
    except ChildProcessError:
        return False
    if pid == 0:
        return True
    child.pid = -1  # reaped: nothing left to kill
    return False


def read_some(child: Child) -> bool:
    """Read what the child has written to its pipe; True at end of file."""
    try:
        chunk = os.read(child.fd, 1 << 16)
    except OSError:
        return True
    if not chunk:
        return True
    child.chunks.append(chunk)
    return False


def finish(child: Child) -> dict:
    """The child's report, or one describing how it died."""
    child.read_stream()
    try:
        with open(child.log, "rb") as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - (256 << 10)))
            log = handle.read().decode("utf-8", errors="replace")
    except OSError:
        log = ""
    tail = log[-1500:]
    where, rel = _where_in(log, child.project)
    status = _reap(child)
    raw = b"".join(child.chunks)
    try:
        report = json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        report = None
    if isinstance(report, dict) and "internal" not in report:
        return report
    if isinstance(report, dict):
        why = report["internal"]
    elif status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            why = signal.Signals(sig).name
        except ValueError:
            why = f"signal {sig}"
    elif status is not None and os.WIFEXITED(status):
        why = t(f"exit code {os.WEXITSTATUS(status)} (os._exit?)",
                f"退出码 {os.WEXITSTATUS(status)}(os._exit?)")
    else:
        why = "?"
    lines = [t(f"the check crashed ({why}): your code took the test process down with it.",
               f"检查崩溃了({why}):你的代码让测试进程一起退出了。")]
    if where is not None:  # faulthandler's dump of the crash names the learner's line
        from dojo import budget

        lines.append(budget.running(where, rel))
    elif tail.strip():
        lines.append("\n".join("  | " + ln for ln in tail.strip().splitlines()[-8:]))
    where = child.phase or {}
    return {"crashed": "\n".join(lines), "tests": child.records(),
            "step": where.get("step"), "nodeid": where.get("nodeid")}


def _dumped_where(child: Child):
    try:
        text = Path(child.stream + ".stacks").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None, None
    return _where_in(text, child.project)


def _where_in(text: str, project: Path):
    """(the innermost line of the learner's file in a faulthandler dump, the file as shown),
    or (None, None)."""
    from dojo import budget

    where = budget.where_in_dump(text, Path(project) / "katas")
    if where is None:
        return None, None
    try:
        rel = str(where.path.resolve().relative_to(Path(project).resolve()))
    except ValueError:
        rel = str(where.path)
    return where, rel


def stop_stuck(child: Child) -> dict:
    """Kill a child past its deadline; a report of what ran, and of the test that hung."""
    child.read_stream()
    phase = child.phase
    records = child.records()
    if phase is None:
        kill(child)
        return {"stalled": t(
            f"the test run gave no sign of life for {IDLE_LIMIT:g} s and was stopped.",
            f"测试运行 {IDLE_LIMIT:g} 秒没有任何进展,已被停止。"), "tests": records}
    nodeid, step = phase.get("nodeid"), phase.get("step")
    said = child.said("stuck", nodeid)
    if said:  # the child's watchdog could still say where the code was
        message = said["message"]
    else:
        from dojo import budget

        fired = child.said("timeout", nodeid) or {}
        where, rel = budget.where_from(fired.get("where"))
        if where is None:  # C code that held the interpreter: faulthandler's dump says where
            where, rel = _dumped_where(child)
        message = budget.stuck(float(phase.get("budget", 0)), where, rel,
                               t("the check", "这次检查"))
    kill(child)
    records.append({"nodeid": nodeid, "step": step, "when": phase.get("when", "call"),
                    "state": "timeout", "message": message, "duration": None})
    return {"timeout": message, "tests": records, "step": step, "nodeid": nodeid}


def wait(child: Child) -> dict:
    """Wait for a running child; its report (see `finish` and `stop_stuck`)."""
    try:
        while True:
            child.read_stream()
            left = child.deadline() - time.monotonic()
            if left <= 0:
                return stop_stuck(child)
            ready, _, _ = select.select([child.fd], [], [], min(left, POLL))
            if ready and read_some(child):
                return finish(child)
    except BaseException:
        kill(child)
        raise


def run(project: Path, modules: list[str], steps=None, budget: float | None = None) -> dict:
    """Run the tests of `modules` (only `steps`, if given) in a guarded child; its report:
    `tests`, `steps`, `exitcode`, `output` as `checking.run` gives them, or `timeout` /
    `crashed` / `stalled` with the records so far and the test that hung."""
    return wait(start(project, modules, steps, budget=budget))
