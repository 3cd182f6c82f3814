"""`dojo watch`: re-check the kata being edited on every save of a file in katas/.

Why it feels instant: this process imports torch, pytest and hypothesis once and never runs a
torch operation itself. Each check runs in a child forked from it, which imports the learner's
file afresh and runs only that kata's tests; the child sends its report back through a pipe.
Better still, the next checks are forked ahead of time (for the kata just checked and the one to
do next): each configures pytest and collects the kata's tests, then waits at
`pytest_collection_finish` until a save says go. The learner's file is imported by the tests
themselves, so the check runs on the file as saved. The children are those of dojo/guard.py:
an endless loop is stopped by the test's time budget (`--timeout` overrides the catalog's), code
stuck in C by killing the child; one that crashes the interpreter (a segfault, `os._exit`)
takes only the child down.

Forking after torch has run a multithreaded operation can leave the child hanging in OpenMP
(the pool's threads do not survive a fork). The parent runs none, and every child calls
`torch.set_num_threads(1)` first as well, so a later change in the parent cannot bring the hang
back (`tests/maintainers/test_watch.py` proves both).

File events come from watchfiles (inotify and friends; `--poll` forces polling), and a light
check of the files' modification times every second catches any event that gets lost. Both
start before torch is loaded: a save made while it loads is checked as soon as it is done.

On a terminal, single keys act at once (cbreak mode: h, n, l, q, Enter), and the terminal's
settings are restored however the watcher ends.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import select
import signal
import sys
import threading
import time
from pathlib import Path

from dojo import checking as ck
from dojo import guard, ui
from dojo.i18n import t
from dojo.progress import Progress

PRELOAD = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.optim",
    "torch._dynamo",  # the first optimizer step of a process imports it: a second per check
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
    "dojo.budget",
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
    from dojo.runner import mine_hypothesis_constants

    mine_hypothesis_constants()
    # Everything imported so far lives as long as the process: take it out of the garbage
    # collector's sight, so that the full collections pytest runs at the end of every session
    # (about 0.2 s each with torch loaded) skip it. (Also spares copy-on-write in the children.)
    gc.collect()
    gc.freeze()


# --- checks in child processes (dojo/guard.py) -----------------------------------------------

child_setup = guard.child_setup  # the names this module has always offered
fork_run = guard.fork_run


def run_check_blocking(project: Path, module: str, steps=None,
                       timeout: float | None = None) -> dict:
    """One check in a guarded child, waiting for it (`timeout`: every test's budget)."""
    return guard.run(project, [module], steps, budget=timeout)


# --- the terminal: single keys ---------------------------------------------------------------


@contextlib.contextmanager
def single_keys(fd: int):
    """Keys act as they are pressed (cbreak: no Enter, no echo; Ctrl-C still interrupts). The
    terminal's settings come back however this ends: normally, by an exception or Ctrl-C,
    on SIGTERM (made an exception here), and while suspended with Ctrl-Z."""
    saved = None
    try:
        import termios
        import tty

        saved = termios.tcgetattr(fd)
    except Exception:  # noqa: BLE001 - no termios (Windows), or not a terminal (termios.error)
        pass
    if saved is None:
        yield False
        return

    def restore():
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        except Exception:  # noqa: BLE001 - the terminal may be gone
            pass

    def on_stop(signum, frame):  # Ctrl-Z: give the shell its terminal back, then stop
        restore()
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)

    def on_continue(signum, frame):
        try:
            tty.setcbreak(fd)
        except Exception:  # noqa: BLE001
            pass
        signal.signal(signal.SIGTSTP, on_stop)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    previous = {}
    try:
        for sig, handler in ((getattr(signal, "SIGTSTP", None), on_stop),
                             (getattr(signal, "SIGCONT", None), on_continue),
                             (signal.SIGTERM, on_term)):
            if sig is not None:
                previous[sig] = signal.signal(sig, handler)
        tty.setcbreak(fd)
        yield True
    finally:
        restore()
        for sig, handler in previous.items():
            try:
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
            except (OSError, ValueError):
                pass


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


KEYS = {"\n": "check", "\r": "check", "c": "check", "h": "hint", "n": "next", "l": "list",
        "q": "quit", "\x04": "quit"}


class Watcher:
    def __init__(self, project: Path, args):
        self.project = project
        self.katas = project / "katas"
        self.cat = ck.catalog()
        self.budget = getattr(args, "timeout", None) or None  # seconds per test; None: catalog
        self.poll = bool(getattr(args, "poll", False))
        self.child: guard.Child | None = None
        self.standby: dict[str, guard.Child] = {}  # module -> a check waiting for its save
        self.last: str | None = None  # the module checked last
        self.trigger: float | None = None
        self.focus = None  # the step being worked on
        self.interactive = sys.stdin.isatty() and sys.stdout.isatty()
        self.modules = set(self.cat.modules())
        self.seen: dict[Path, tuple[int, int]] | None = None  # the files before torch loaded

    # --- what to check ------------------------------------------------------------------

    def progress(self) -> Progress:
        return Progress(self.project, warn=ui.note)

    def start(self, module: str, why: str) -> None:
        if self.child is not None:
            guard.kill(self.child)
            self.child = None
        self.banner(why)
        self.trigger = time.monotonic()
        self.last = module
        if not ck.has_tests(self.project, module):
            ui.say(t(f"  {module} has no tests yet.", f"  {module} 还没有测试。"), style="dim")
            return
        child = self.standby.pop(module, None)
        if child is not None and not guard.alive(child):
            guard.kill(child)
            child = None
        if child is None:
            child = guard.start(self.project, [module], budget=self.budget)
        else:
            child.go()
        self.child = child

    def prepare(self) -> None:
        """Fork the next checks ahead of time, for the kata just checked and the one to do
        next: configured and collected, each waits for a save of its kata."""
        if self.child is not None:
            return
        wanted = [m for m in dict.fromkeys([self.last, self.focus.module if self.focus else None])
                  if m and ck.has_tests(self.project, m)]
        for module, child in list(self.standby.items()):
            if module not in wanted or not guard.alive(child):
                guard.kill(child)
                del self.standby[module]
        for module in wanted:
            if module not in self.standby:
                self.standby[module] = guard.start(self.project, [module], standby=True,
                                                   budget=self.budget)

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
        verdicts = ui.verdicts_from(ck.outcome(report, steps), steps)
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
            ui.say(t("  keys: Enter re-check · h hint · n next kata · l list · q quit",
                     "  按键:回车 重新检查 · h 提示 · n 下一个 · l 列表 · q 退出"), style="dim")

    # --- keys (when a terminal is attached) ---------------------------------------------

    def key(self, pressed: str) -> bool:
        """Act on one key (or a typed word, without a terminal's cbreak mode); False to quit."""
        word = pressed.strip().lower() if len(pressed) > 1 else pressed.lower()
        action = KEYS.get(word) or {"quit": "quit", "exit": "quit", "hint": "hint",
                                    "next": "next", "list": "list", "check": "check",
                                    "": "check"}.get(word)
        if action == "quit":
            return False
        if action == "hint":
            if self.focus is not None:
                from argparse import Namespace

                from dojo.cli import cmd_hint

                cmd_hint(Namespace(kata=self.focus.id, all=False))
        elif action == "next":
            progress = self.progress()
            known = _known(self.project, self.cat, progress)
            after = self.focus.id if self.focus else None
            nxt = ck.next_step(self.cat, known, after=after)
            if nxt is None:
                ck.offer_next(self.cat, None)
            else:
                self.focus = nxt
                self.start(nxt.module, t(f"next: {nxt.id}", f"下一个:{nxt.id}"))
        elif action == "list":
            progress = self.progress()
            known = _known(self.project, self.cat, progress)
            for step in self.cat.steps:
                ui.say(ui.state_text(known[step.id]), f"  {step.id}")
        elif action == "check":
            if self.focus is not None:
                self.start(self.focus.module, t(f"re-check: {self.focus.id}",
                                                f"重新检查:{self.focus.id}"))
        elif pressed.strip():
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

    def first_check(self, seen: dict) -> dict:
        """Check what was saved while torch loaded, else the kata being worked on; the files'
        signatures from now on."""
        current = _signatures(self.katas)
        changed = {p for p in set(seen) | set(current) if seen.get(p) != current.get(p)}
        module, gone = self.changed_module(changed) if changed else (None, False)
        if module is not None and not gone:
            known = _known(self.project, self.cat, self.progress())
            steps = self.cat.steps_of(module)
            self.focus = ck.first_open(steps, known)
            self.start(module, t(f"katas/{module}.py saved", f"katas/{module}.py 已保存"))
        elif self.focus is not None:
            self.start(self.focus.module, t(f"checking {self.focus.id}", f"检查 {self.focus.id}"))
        else:
            ck.offer_next(self.cat, None)
        return current

    def run(self) -> int:
        if not self.katas.is_dir():
            raise ck.DojoError(t("no katas/ folder: `dojo reset --all` writes the stubs back.",
                                 "没有 katas/ 文件夹:`dojo reset --all` 可以恢复原始文件。"))
        stdin = sys.stdin.fileno() if self.interactive else None
        with single_keys(stdin) if stdin is not None else contextlib.nullcontext(False) as keys:
            return self._loop(stdin, keys)

    def _loop(self, stdin: int | None, keys: bool) -> int:
        events: queue.Queue = queue.Queue()
        wake_r, wake_w = os.pipe()
        guard.OPEN.update((wake_r, wake_w))
        stop = threading.Event()
        thread = threading.Thread(
            target=_watch_thread, args=(self.katas.resolve(), events, wake_w, stop, self.poll),
            daemon=True, name="dojo-watchfiles",
        )
        thread.start()
        seen = self.first_check(self.seen if self.seen is not None else _signatures(self.katas))
        ui.say(t("watching katas/ — save a kata file to check it; Ctrl-C to stop",
                 "正在监视 katas/:保存 kata 文件即可检查;按 Ctrl-C 退出"), style="bold")
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
                    self.child.read_stream()
                if stdin is not None:
                    waits.append(stdin)
                timeout = 1.0
                if self.child is not None:
                    timeout = max(0.0, min(timeout, self.child.deadline() - time.monotonic()))
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
                    if guard.read_some(self.child):
                        self.done(guard.finish(self.child))
                if self.child is not None and time.monotonic() >= self.child.deadline():
                    self.done(guard.stop_stuck(self.child))
                if stdin is not None and stdin in ready:
                    if not self.keys_pressed(stdin, keys):
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
                        guard.kill(self.child)
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
                    guard.kill(child)
            self.child = None
            self.standby.clear()
            for fd in (wake_r, wake_w):
                guard.OPEN.discard(fd)
                try:
                    os.close(fd)
                except OSError:
                    pass
        ui.say("")
        ui.say(t("dojo watch stopped. See you next time!", "dojo watch 已停止,下次见!"))
        return 0

    def keys_pressed(self, stdin: int, single: bool) -> bool:
        """Act on what was typed; False to quit."""
        if single:
            try:
                data = os.read(stdin, 64).decode("utf-8", "replace")
            except OSError:
                return True
            for char in data:
                if not self.key(char):
                    return False
            return True
        line = sys.stdin.readline()
        return bool(line) and self.key(line)


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
        watcher.focus = ck.first_open(steps, known)
    else:
        watcher.focus = ck.guess_current(project, cat, progress)
    watcher.seen = _signatures(watcher.katas)  # a save while torch loads is checked after
    con = ui.console()
    if con.is_terminal:
        with con.status(t("loading torch (once)…", "正在加载 torch(只需一次)…")):
            preload()
    else:
        preload()
    return watcher.run()
