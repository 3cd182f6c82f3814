"""Time budgets: a kata test whose code does not finish is stopped, and says where it was.

An endless loop is the commonest thing a learner writes. Every kata test (its setup, then its
call) runs under the budget of its catalog step (`budget`, `budget_slow` in dojo/catalog.toml).
When the time runs out:

1. `OutOfTime` is raised in whatever Python code is running: by SIGALRM in the main thread, else
   (another thread, or no SIGALRM: Windows) by an asynchronous exception from a timer thread. It
   derives from BaseException, so the learner's `except Exception:` does not swallow it; while
   the learner's code is still on the stack it is raised again every half second (a bare
   `except:` in a loop). The message names the line of the learner's file that was running.
2. At `hard_limit(budget)`, a watchdog thread looks again. Code stuck inside C (where no Python
   signal handler can run) is still running: a supervised run (a `dojo` command's child, the
   grader's job) reports it and lets its supervisor end the process; an unsupervised one (plain
   pytest, a notebook) says so on the terminal and ends the process itself.
3. When even the watchdog cannot run (C code that holds the interpreter lock), faulthandler
   prints the stacks and ends the process a few seconds later (unsupervised runs); in a
   supervised run it writes them, at the hard limit, to a file in which the supervisor finds
   the learner's line (`where_in_dump`).

Nothing here knows pytest; the plugin (dojo/pytest_plugin.py) wires it to the tests.
"""

from __future__ import annotations

import ctypes
import faulthandler
import linecache
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from dojo.i18n import t

SCALE_ENV = "DOJO_BUDGET_SCALE"
REFIRE = 0.5  # seconds between further interruptions while the learner's code swallows them
LAST_RESORT = 5.0  # seconds after the hard limit before faulthandler ends the process


class OutOfTime(BaseException):
    """Raised into the running code when a test's budget is spent."""


def scale() -> float:
    """DOJO_BUDGET_SCALE: every budget is multiplied by it (a slow machine); default 1."""
    try:
        value = float(os.environ.get(SCALE_ENV, "") or 1.0)
    except ValueError:
        return 1.0
    return value if value > 0 else 1.0


def grace(budget: float) -> float:
    """How long after the budget a run that could not be interrupted is given up on: a quarter
    of the budget, at least 3 s (scaled like every budget, never under 1 s)."""
    return max(max(1.0, 3.0 * scale()), budget / 4)


def hard_limit(budget: float) -> float:
    return budget + grace(budget)


@dataclass
class Where:
    """The line of the learner's file that was running."""

    path: Path
    line: int
    source: str
    function: str


def locate(frame, target: Path) -> Where | None:
    """The innermost frame of `frame`'s stack whose file lies in the folder `target`."""
    seen: dict[str, bool] = {}
    while frame is not None:
        name = frame.f_code.co_filename
        inside = seen.get(name)
        if inside is None:
            try:
                inside = target in Path(name).resolve().parents
            except (OSError, ValueError, RuntimeError):
                inside = False
            seen[name] = inside
        if inside:
            line = frame.f_lineno or 0
            source = linecache.getline(name, line).strip()
            return Where(Path(name), line, source, frame.f_code.co_name)
        frame = frame.f_back
    return None


def where_as_dict(where: Where | None, rel: str | None) -> dict | None:
    """A Where as JSON, with the file as the learner sees it (for a supervising process)."""
    if where is None:
        return None
    return {"rel": rel or str(where.path), "line": where.line, "source": where.source,
            "function": where.function}


def where_from(data) -> tuple[Where | None, str | None]:
    """The (Where, file as shown) that `where_as_dict` wrote."""
    if not isinstance(data, dict) or "line" not in data:
        return None, None
    rel = str(data.get("rel", ""))
    return Where(Path(rel), int(data["line"]), str(data.get("source", "")),
                 str(data.get("function", ""))), rel


_DUMPED = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')


def where_in_dump(text: str, target: Path) -> Where | None:
    """The innermost line of the learner's file in a faulthandler dump (most recent call
    first), from the folder `target`."""
    for match in _DUMPED.finditer(text):
        path = Path(match["file"])
        try:
            inside = target.resolve() in path.resolve().parents
        except (OSError, ValueError, RuntimeError):
            inside = False
        if inside:
            line = int(match["line"])
            linecache.checkcache(str(path))
            return Where(path, line, linecache.getline(str(path), line).strip(), match["function"])
    return None


def main_frame(ident: int):
    return sys._current_frames().get(ident)


# --- the messages --------------------------------------------------------------------------


def _slow_machine() -> str:
    return t(f"  (On a slow machine, {SCALE_ENV}=3 gives every test three times as long.)",
             f"  (机器太慢?设置 {SCALE_ENV}=3 可以让每个测试有三倍的时间。)")


def running(where: Where | None, rel: str | None) -> str:
    """"  It was running line N of FILE (in `f`): `code`", or "" when unknown."""
    return _running(where, rel)


def _running(where: Where | None, rel: str | None) -> str:
    if where is None or rel is None:
        return ""
    code = f": `{where.source}`" if where.source else ""
    code_zh = f":`{where.source}`" if where.source else ""
    inside = f" (in `{where.function}`)" if where.function not in ("<module>", "") else ""
    inside_zh = f"(在 `{where.function}` 中)" if inside else ""
    return t(f"  It was running line {where.line} of {rel}{inside}{code}",
             f"  当时它正在运行 {rel} 第 {where.line} 行{inside_zh}{code_zh}")


PRINTED_A_LOT = 10_000  # lines printed within a budget that took the time rather than the code


def out_of_time(seconds: float, where: Where | None, rel: str | None,
                printed: int = 0) -> str:
    """The teaching message of a test whose budget ran out (`printed`: the lines the test had
    printed by then; that many lines are what took the time)."""
    if printed >= PRINTED_A_LOT:
        return "\n".join(line for line in [
            t(f"your code did not finish within {seconds:g} s, and it printed {printed:,} lines "
              f"in that time: printing that much is what took the time (while a test runs, "
              f"every line is captured). Print less: every 100th step, or the last value only.",
              f"你的代码在 {seconds:g} 秒内没有结束,这段时间里它打印了 {printed:,} 行:是打印这么多"
              f"内容花掉了时间(测试运行时每一行输出都会被捕获)。少打印一些:每 100 步打印一次,或者只"
              f"打印最后的值。"),
            _running(where, rel),
            _slow_machine(),
        ] if line)
    if where is None:
        return "\n".join([
            t(f"the test did not finish within {seconds:g} s, and the time ran out in the "
              f"test's own work, not in your code: the machine may be very slow or busy.",
              f"测试在 {seconds:g} 秒内没有结束,而时间耗在测试自己的工作上,不在你的代码里:"
              f"这台机器可能太慢或太忙。"),
            _slow_machine(),
        ])
    return "\n".join([
        t(f"your code did not finish within {seconds:g} s: an endless loop, or waiting for "
          f"input?",
          f"你的代码在 {seconds:g} 秒内没有结束:是死循环,还是在等待输入?"),
        _running(where, rel),
        _slow_machine(),
    ])


def stuck(seconds: float, where: Where | None, rel: str | None, who: str) -> str:
    """The message of code that did not stop even when interrupted; `who` was stopped."""
    lines = [
        t(f"your code did not finish within {seconds:g} s and did not stop when interrupted "
          f"(stuck inside a C function, or an `except:` that swallows every interruption?), "
          f"so {who} was stopped.",
          f"你的代码在 {seconds:g} 秒内没有结束,中断它也没有停下来(卡在 C 函数里,或者有一个吞掉"
          f"所有中断的 `except:`?),所以 {who} 被停止了。"),
    ]
    running = _running(where, rel)
    if running:
        lines.append(running)
    lines.append(_slow_machine())
    return "\n".join(lines)


def after_timeout(step: str, seconds: float, where: Where | None, rel: str | None) -> str:
    """The short message of a test that is not run after an earlier one ran out of time."""
    at = ""
    if where is not None and rel is not None:
        at = t(f", at line {where.line} of {rel}", f",{rel} 第 {where.line} 行")
    return t(f"not run: an earlier test of {step} ran out of time ({seconds:g} s{at}); "
             f"fix that first.",
             f"未运行:{step} 的前一个测试已经超时({seconds:g} 秒{at});请先解决它。")


# --- one budget ----------------------------------------------------------------------------


def _signals_usable() -> bool:
    return (hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread())


class Budget:
    """The budget of one phase of one test: `start()` before the learner's code may run,
    `stop()` after. `on_fire(where)` is called once when the time runs out (it returns the
    message that `OutOfTime` carries); `on_stuck(where)` at the hard limit, from the watchdog
    thread, when the phase is still running."""

    def __init__(self, seconds: float, target: Path, *,
                 on_fire: Callable[[Where | None], str],
                 on_stuck: Callable[[Where | None], None] | None = None,
                 dump_fd: int | None = None,
                 dump_exits: bool = True,
                 use_signals: bool | None = None):
        self.seconds = seconds
        self.target = target
        self.on_fire = on_fire
        self.on_stuck = on_stuck
        self.dump_fd = dump_fd
        self.dump_exits = dump_exits
        self.use_signals = _signals_usable() if use_signals is None else use_signals
        self.ident = threading.get_ident()
        self.active = False
        self.fired = False
        self.where: Where | None = None
        self.message: str | None = None
        self._done = threading.Event()
        self._old_handler = None
        self._old_timer = (0.0, 0.0)
        self._started = 0.0
        self._profiling = False
        self._old_profile = None

    # --- arming ----------------------------------------------------------------------

    def start(self) -> "Budget":
        self._started = time.monotonic()
        self.active = True
        if self.use_signals:
            self._old_handler = signal.signal(signal.SIGALRM, self._on_alarm)
            self._old_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds, REFIRE)
        else:
            threading.Thread(target=self._async_timer, daemon=True,
                             name="dojo-budget-timer").start()
        if self.on_stuck is not None:
            threading.Thread(target=self._watchdog, daemon=True,
                             name="dojo-budget-watchdog").start()
        if self.dump_fd is not None:
            delay = hard_limit(self.seconds) + (LAST_RESORT if self.dump_exits else 0.0)
            try:
                faulthandler.dump_traceback_later(delay, exit=self.dump_exits, file=self.dump_fd)
            except (ValueError, OSError, RuntimeError):
                self.dump_fd = None
        return self

    def stop(self) -> None:
        if not self.active:
            return
        self.active = False
        self._done.set()
        if self._profiling:
            sys.setprofile(self._old_profile)
            self._profiling = False
        if self.use_signals:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old_handler or signal.SIG_DFL)
            left, interval = self._old_timer
            if left > 0:  # an outer timer (pytest-timeout around a nested run): keep its time
                left -= time.monotonic() - self._started
                signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), interval)
        if self.dump_fd is not None:
            faulthandler.cancel_dump_traceback_later()

    def __enter__(self) -> "Budget":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- when the time runs out ------------------------------------------------------

    def _fire(self, frame) -> bool:
        """Record the first expiry; True when OutOfTime should be raised now."""
        if not self.active:
            return False
        if not self.fired:
            self.fired = True
            self.where = locate(frame, self.target)
            self.message = self.on_fire(self.where)
            return True
        inside = locate(frame, self.target) is not None
        if inside and self.use_signals:  # the learner's code swallowed it
            self._raise_on_return()
        return inside

    def _raise_on_return(self) -> None:
        """Code that swallows every interruption (`except BaseException: pass` around a loop)
        would take the phase to its hard limit, one swallowed interruption per call: from now
        on, each time a frame of the learner's file returns (or yields), OutOfTime is raised in
        its caller, where the learner's `except` no longer reaches (a profile hook of this
        thread, removed when the phase ends)."""
        if self._profiling:
            return
        files: dict[str, bool] = {}
        target = self.target

        def hook(frame, event, arg):
            if event != "return" or not self.active:
                return
            name = frame.f_code.co_filename
            inside = files.get(name)
            if inside is None:
                try:
                    inside = files[name] = target in Path(name).resolve().parents
                except (OSError, ValueError, RuntimeError):
                    inside = files[name] = False
            if inside:
                raise OutOfTime(self.message)

        self._old_profile = sys.getprofile()
        self._profiling = True
        sys.setprofile(hook)

    def _on_alarm(self, signum, frame):
        if self._fire(frame):
            raise OutOfTime(self.message)

    def _async_timer(self) -> None:
        if self._done.wait(self.seconds):
            return
        while self.active:
            if self._fire(main_frame(self.ident)):
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.ident),
                                                           ctypes.py_object(OutOfTime))
            if self._done.wait(REFIRE):
                return

    def _watchdog(self) -> None:
        if self._done.wait(hard_limit(self.seconds)):
            return
        if self.active and self.on_stuck is not None:
            self.on_stuck(locate(main_frame(self.ident), self.target))
