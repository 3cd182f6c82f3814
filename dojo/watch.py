"""`dojo watch`: re-check the kata being edited on every save of a file in katas/.

Why it feels instant: this process imports torch, pytest and hypothesis once and never runs a
torch operation itself. Each check runs in a child forked from it, which imports the learner's
file afresh and runs only that kata's tests; the child sends its report back through a pipe.
Better still, the next checks are forked ahead of time (for the kata just checked and the one to
do next): each configures pytest and collects the kata's tests, then waits at
`pytest_collection_finish` until a save says go. The learner's file is imported by the tests
themselves, so the check runs on the file as saved. A file that hangs is stopped after
`--timeout` seconds; one that crashes the interpreter (a segfault, `os._exit`) takes only the
child down.

Forking after torch has run a multithreaded operation can leave the child hanging in OpenMP
(the pool's threads do not survive a fork). The parent runs none, and every child calls
`torch.set_num_threads(1)` first as well, so a later change in the parent cannot bring the hang
back (`tests/maintainers/test_watch.py` proves both).

File events come from watchfiles (inotify and friends; `--poll` forces polling), and a light
check of the files' modification times every second catches any event that gets lost.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import select
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from dojo import checking as ck
from dojo import ui
from dojo.i18n import lang, set_lang, t
from dojo.progress import Progress

PRELOAD = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.optim",
    "torch.utils.data",
    "numpy",
    "pytest",
    "hypothesis",
    "hypothesis.strategies",
    "_pytest.python",
    "_pytest.runner",
    "_pytest.capture",
    "dojo.pytest_plugin",
    "dojo.testing",
    "dojo.runner",
    "dojo.explain",
    "dojo.datasets",
)


def preload() -> None:
    """Import what every check needs, once. Runs no torch operation (see the module's doc)."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - an optional extra; the child imports what it needs
            pass
    try:  # pytest's plugins (pytest-benchmark, pytest-timeout, hypothesis' plugin)
        from importlib.metadata import entry_points

        for ep in entry_points(group="pytest11"):
            try:
                ep.load()
            except Exception:  # noqa: BLE001
                pass
    except Exception:  # noqa: BLE001
        pass
    try:  # hypothesis mines the loaded modules for constants once; the children inherit it
        import warnings

        from hypothesis.internal.conjecture.providers import _get_local_constants

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _get_local_constants()
    except Exception:  # noqa: BLE001 - a private helper that may move
        pass
    # Everything imported so far lives as long as the process: take it out of the garbage
    # collector's sight, so that the full collections pytest runs at the end of every session
    # (about 0.2 s each with torch loaded) skip it. (Also spares copy-on-write in the children.)
    gc.collect()
    gc.freeze()


# --- a check in a child process --------------------------------------------------------------


@dataclass
class Child:
    pid: int
    fd: int  # the report comes through here
    gate: int  # writing to it lets a child on standby run its tests
    log: str
    module: str
    steps: list[str] | None
    started: float
    deadline: float
    chunks: list[bytes] = field(default_factory=list)
    going: bool = False

    def go(self, timeout: float) -> None:
        """Run the tests now (a standby child has configured pytest and collected them)."""
        if not self.going:
            try:
                os.write(self.gate, b"g")
            except OSError:
                pass
            self.going = True
            self.started = time.monotonic()
            self.deadline = self.started + timeout


_GATE: dict[str, int | None] = {"fd": None}


def pytest_collection_finish(session) -> None:
    """In a child on standby (`-p dojo.watch`): wait here, with pytest configured and the tests
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


def child_setup() -> None:
    """First thing in a forked child: OpenMP's thread pool does not survive a fork, and a child
    that enters a parallel region the parent had used waits forever for its threads. With one
    thread torch never enters one."""
    import torch

    torch.set_num_threads(1)


def _child_main(project: Path, module: str, steps, language: str, log: str, gate: int,
                write_fd: int):
    """In the forked child: run the kata's tests, write the report to the pipe, exit."""
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
        child_setup()
        set_lang(language)
        _GATE["fd"] = gate
        report = ck.run(project, [module], steps, extra=("-p", "dojo.watch"))
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


_OPEN: set[int] = set()  # the parent's descriptors that no child should keep


def fork_run(target, *args, keep: tuple[int, ...] = ()) -> tuple[int, int]:
    """Fork; the child runs `target(*args, write_fd)` and must `os._exit`. (pid, read fd)."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            for fd in _OPEN | {read_fd}:
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


def start_check(project: Path, module: str, steps, timeout: float, *, standby=False) -> Child:
    """A child that checks `module`: at once, or (standby) once `go` is called."""
    handle, log = tempfile.mkstemp(prefix="dojo-watch-", suffix=".log")
    os.close(handle)
    gate_r, gate_w = os.pipe()
    pid, fd = fork_run(_child_main, project, module, steps, lang(), log, gate_r, keep=(gate_r,))
    os.close(gate_r)
    _OPEN.update((fd, gate_w))
    now = time.monotonic()
    child = Child(pid, fd, gate_w, log, module, steps, now, float("inf"))
    if not standby:
        child.go(timeout)
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
        _OPEN.discard(fd)
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
    try:
        os.unlink(child.log)
    except OSError:
        pass
    return status


def _alive(child: Child) -> bool:
    try:
        pid, _ = os.waitpid(child.pid, os.WNOHANG)
    except ChildProcessError:
        return False
    if pid == 0:
        return True
    child.pid = -1  # reaped: nothing left to kill
    return False


def read_some(child: Child) -> bool:
    """Read what the child has written; True at end of file."""
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
    try:
        tail = Path(child.log).read_text(encoding="utf-8", errors="replace")[-1500:]
    except OSError:
        tail = ""
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
    if tail.strip():
        lines.append(ui.indent("\n".join(tail.strip().splitlines()[-8:]), "  | "))
    return {"crashed": "\n".join(lines)}


def run_check_blocking(project: Path, module: str, steps=None, timeout: float = 60.0) -> dict:
    """One check in a child, waiting for it (used by tests and by the first check)."""
    child = start_check(project, module, steps, timeout)
    while True:
        left = child.deadline - time.monotonic()
        if left <= 0:
            kill(child)
            return {"timeout": timeout}
        ready, _, _ = select.select([child.fd], [], [], left)
        if ready and read_some(child):
            return finish(child)


# --- the watch loop --------------------------------------------------------------------------


def _signatures(katas: Path) -> dict[Path, tuple[int, int]]:
    out = {}
    try:
        for path in katas.glob("*.py"):
            try:
                st = path.stat()
                out[path] = (st.st_mtime_ns, st.st_size)
            except OSError:
                pass
    except OSError:
        pass
    return out


def _watch_thread(katas: Path, events: queue.Queue, wake_w: int, stop: threading.Event,
                  poll: bool):
    try:
        import watchfiles

        def only_katas(change, path: str) -> bool:
            return path.endswith(".py") and Path(path).parent == katas

        for changes in watchfiles.watch(
            katas,
            watch_filter=only_katas,
            debounce=400,
            step=30,
            stop_event=stop,
            rust_timeout=1000,
            raise_interrupt=False,
            force_polling=True if poll else None,
            poll_delay_ms=200,
            recursive=False,
        ):
            events.put({Path(p) for _, p in changes})
            os.write(wake_w, b"x")
    except Exception as err:  # noqa: BLE001 - the mtime check keeps watching
        events.put(err)
        try:
            os.write(wake_w, b"x")
        except OSError:
            pass


class Watcher:
    def __init__(self, project: Path, args):
        self.project = project
        self.katas = project / "katas"
        self.cat = ck.catalog()
        self.timeout = float(getattr(args, "timeout", 60.0) or 60.0)
        self.poll = bool(getattr(args, "poll", False))
        self.child: Child | None = None
        self.standby: dict[str, Child] = {}  # module -> a check waiting for its save
        self.last: str | None = None  # the module checked last
        self.trigger: float | None = None
        self.focus = None  # the step being worked on
        self.interactive = sys.stdin.isatty() and sys.stdout.isatty()
        self.modules = set(self.cat.modules())

    # --- what to check ------------------------------------------------------------------

    def progress(self) -> Progress:
        return Progress(self.project, warn=ui.note)

    def start(self, module: str, why: str) -> None:
        if self.child is not None:
            kill(self.child)
            self.child = None
        self.banner(why)
        self.trigger = time.monotonic()
        self.last = module
        if not ck.has_tests(self.project, module):
            ui.say(t(f"  {module} has no tests yet.", f"  {module} 还没有测试。"), style="dim")
            return
        child = self.standby.pop(module, None)
        if child is not None and not _alive(child):
            kill(child)
            child = None
        if child is None:
            child = start_check(self.project, module, None, self.timeout)
        else:
            child.go(self.timeout)
        self.child = child

    def prepare(self) -> None:
        """Fork the next checks ahead of time, for the kata just checked and the one to do
        next: configured and collected, each waits for a save of its kata."""
        if self.child is not None:
            return
        wanted = [m for m in dict.fromkeys([self.last, self.focus.module if self.focus else None])
                  if m and ck.has_tests(self.project, m)]
        for module, child in list(self.standby.items()):
            if module not in wanted or not _alive(child):
                kill(child)
                del self.standby[module]
        for module in wanted:
            if module not in self.standby:
                self.standby[module] = start_check(self.project, module, None, self.timeout,
                                                   standby=True)

    def banner(self, why: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        con = ui.console()
        if con.is_terminal:
            from rich.rule import Rule

            con.print(Rule(f"{stamp} · {why}", style="dim"))
        else:
            ui.say(f"--- {stamp} · {why}", style="dim")

    def done(self, report: dict) -> None:
        child, self.child = self.child, None
        elapsed = time.monotonic() - (self.trigger or child.started)
        steps = [s.id for s in self.cat.steps_of(child.module)]
        if "crashed" in report or "timeout" in report:
            state = "crashed" if "crashed" in report else "timeout"
            message = report.get("crashed") or t(
                f"your code ran for more than {self.timeout:g} s and was stopped: an endless "
                f"loop, or waiting for input? (`dojo watch --timeout SECONDS` allows more)",
                f"你的代码运行超过 {self.timeout:g} 秒,已被停止:死循环,还是在等待输入?"
                f"(`dojo watch --timeout 秒数` 可以放宽)",
            )
            verdicts = [ui.Verdict(step=steps[0], state=state, message=message)]
        else:
            verdicts = ui.verdicts_from(report, steps)
        progress = self.progress()
        ck.record(self.project, progress, self.cat, verdicts)
        first_open = next((v for v in verdicts if not v.solved), None)
        for verdict in verdicts:
            if verdict is first_open or verdict.solved or verdict.state in ("crashed", "timeout"):
                ck.show_verdict(self.project, self.cat, progress, verdict)
            else:
                step = self.cat.get(verdict.step)
                ui.say(ck.headline(step, verdict))
        ui.say(t(f"  (checked in {elapsed:.2f} s)", f"  (检查用时 {elapsed:.2f} 秒)"), style="dim")
        if first_open is None:
            known = _known(self.project, self.cat, progress)
            nxt = ck.next_step(self.cat, known, after=steps[-1])
            ui.say(t("  Solved! 🎉", "  完成了!🎉"), style="bold green")
            ck.offer_next(self.cat, nxt, watching=True)
            self.focus = nxt
        else:
            self.focus = self.cat.get(first_open.step)
        progress.current = self.focus.id if self.focus else None
        progress.save()
        self.prompt()
        self.prepare()

    def prompt(self) -> None:
        if self.interactive:
            ui.say(t("  [Enter] re-check · h hint · n next kata · l list · q quit",
                     "  [回车] 重新检查 · h 提示 · n 下一个 · l 列表 · q 退出"), style="dim")

    # --- keys (when a terminal is attached) ---------------------------------------------

    def key(self, line: str) -> bool:
        """Act on a typed command; False to quit."""
        word = line.strip().lower()
        if word in ("q", "quit", "exit"):
            return False
        if word in ("h", "hint"):
            if self.focus is not None:
                from argparse import Namespace

                from dojo.cli import cmd_hint

                cmd_hint(Namespace(kata=self.focus.id, all=False))
        elif word in ("n", "next"):
            progress = self.progress()
            known = _known(self.project, self.cat, progress)
            after = self.focus.id if self.focus else None
            nxt = ck.next_step(self.cat, known, after=after)
            if nxt is None:
                ck.offer_next(self.cat, None)
            else:
                self.focus = nxt
                self.start(nxt.module, t(f"next: {nxt.id}", f"下一个:{nxt.id}"))
        elif word in ("l", "list"):
            progress = self.progress()
            known = _known(self.project, self.cat, progress)
            for step in self.cat.steps:
                state = known[step.id]
                mark = ui.state_text(state) if state != "unknown" else ui.state_text("no tests")
                ui.say(mark, f"  {step.id}")
        elif word in ("", "c", "check"):
            if self.focus is not None:
                self.start(self.focus.module, t(f"re-check: {self.focus.id}",
                                                f"重新检查:{self.focus.id}"))
        else:
            ui.say(t("  keys: Enter, h, n, l, q", "  按键:回车、h、n、l、q"), style="dim")
        return True

    # --- the loop -----------------------------------------------------------------------

    def changed_module(self, paths: set[Path]) -> tuple[str | None, bool]:
        """The kata module among the changed files (the newest), and whether it is gone."""
        candidates = [p for p in paths if p.suffix == ".py" and p.stem in self.modules]
        if not candidates:
            return None, False
        existing = [p for p in candidates if p.exists()]
        if existing:
            newest = max(existing, key=lambda p: p.stat().st_mtime_ns)
            return newest.stem, False
        return candidates[0].stem, True

    def run(self) -> int:
        if not self.katas.is_dir():
            raise ck.DojoError(t("no katas/ folder: `dojo reset --all` writes the stubs back.",
                                 "没有 katas/ 文件夹:`dojo reset --all` 可以恢复原始文件。"))
        events: queue.Queue = queue.Queue()
        wake_r, wake_w = os.pipe()
        _OPEN.update((wake_r, wake_w))
        stop = threading.Event()
        thread = threading.Thread(
            target=_watch_thread, args=(self.katas.resolve(), events, wake_w, stop, self.poll),
            daemon=True, name="dojo-watchfiles",
        )
        thread.start()
        seen = _signatures(self.katas)
        if self.focus is not None:
            self.start(self.focus.module, t(f"checking {self.focus.id}", f"检查 {self.focus.id}"))
        else:
            ck.offer_next(self.cat, None)
        ui.say(t(f"watching katas/ — save a kata file to check it; Ctrl-C to stop",
                 f"正在监视 katas/:保存 kata 文件即可检查;按 Ctrl-C 退出"), style="bold")
        last_scan = time.monotonic()
        # Ctrl-C sets a flag and wakes the loop (a KeyboardInterrupt raised while os.fork runs
        # its at-fork hooks would be swallowed: "Exception ignored in _releaseLock").
        interrupted = []

        def on_sigint(signum, frame):
            interrupted.append(signum)
            try:
                os.write(wake_w, b"!")
            except OSError:
                pass

        signal.signal(signal.SIGINT, on_sigint)
        try:
            while not interrupted:
                waits = [wake_r]
                if self.child is not None:
                    waits.append(self.child.fd)
                if self.interactive:
                    waits.append(sys.stdin)
                timeout = 1.0
                if self.child is not None:
                    timeout = max(0.0, min(timeout, self.child.deadline - time.monotonic()))
                ready, _, _ = select.select(waits, [], [], timeout)
                if interrupted:
                    break
                changed: set[Path] = set()
                poked = False  # a file event: look now (the files' signatures decide)
                if wake_r in ready:
                    os.read(wake_r, 4096)
                    while True:
                        try:
                            item = events.get_nowait()
                        except queue.Empty:
                            break
                        if isinstance(item, Exception):
                            ui.note(t(f"note: file events unavailable ({item}); checking for "
                                      f"changes every second instead.",
                                      f"提示:无法获得文件事件({item});改为每秒检查一次。"))
                        else:
                            poked = True
                if self.child is not None and self.child.fd in ready:
                    if read_some(self.child):
                        self.done(finish(self.child))
                if self.child is not None and time.monotonic() >= self.child.deadline:
                    kill(self.child)
                    self.done({"timeout": self.timeout})
                if self.interactive and sys.stdin in ready:
                    line = sys.stdin.readline()
                    if not line or not self.key(line):
                        break
                now = time.monotonic()
                if poked or now - last_scan >= 1.0:
                    last_scan = now
                    current = _signatures(self.katas)
                    for path in set(seen) | set(current):
                        if seen.get(path) != current.get(path):
                            changed.add(path)
                    seen = current
                if not changed:
                    continue
                module, gone = self.changed_module(changed)
                if module is None:
                    continue
                if gone:
                    if self.child is not None and self.child.module == module:
                        kill(self.child)
                        self.child = None
                    self.banner(f"katas/{module}.py")
                    ui.say(t(f"  katas/{module}.py was deleted (or renamed): "
                             f"`dojo reset {module}` brings the stub back.",
                             f"  katas/{module}.py 被删除(或重命名)了:"
                             f"`dojo reset {module}` 可以恢复原始文件。"), style="magenta")
                    continue
                self.start(module, t(f"katas/{module}.py saved", f"katas/{module}.py 已保存"))
        except KeyboardInterrupt:
            pass
        finally:
            # a second Ctrl-C while leaving must not interrupt the clean-up
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            stop.set()
            for child in (self.child, *self.standby.values()):
                if child is not None:
                    kill(child)
            self.child = None
            self.standby.clear()
            for fd in (wake_r, wake_w):
                _OPEN.discard(fd)
                try:
                    os.close(fd)
                except OSError:
                    pass
        ui.say("")
        ui.say(t("dojo watch stopped. See you next time!", "dojo watch 已停止,下次见!"))
        return 0


def _known(project, cat, progress) -> dict[str, str]:
    from dojo.cli import _known_states

    return _known_states(project, cat, progress)


def main(args) -> int:
    if not hasattr(os, "fork"):
        raise ck.DojoError(t("dojo watch needs fork (Linux or macOS); on Windows use WSL, or "
                             "`dojo check` after each save.",
                             "dojo watch 需要 fork(Linux 或 macOS);Windows 上请用 WSL,"
                             "或每次保存后运行 `dojo check`。"))
    project = ck.locate_project()
    watcher = Watcher(project, args)
    cat = watcher.cat
    progress = watcher.progress()
    if getattr(args, "kata", None):
        steps = ck.resolve(cat, args.kata)
        known = _known(project, cat, progress)
        watcher.focus = next((s for s in steps if known.get(s.id) != "solved"), steps[0])
    else:
        watcher.focus = ck.guess_current(project, cat, progress)
    con = ui.console()
    if con.is_terminal:
        with con.status(t("loading torch (once)…", "正在加载 torch(只需一次)…")):
            preload()
    else:
        preload()
    return watcher.run()
