"""`dojo watch`: a real watcher in a copy of the project sees the learner's saves and re-checks,
survives a kata that hangs or crashes, and leaves cleanly on Ctrl-C. And the fork it relies on
does not hang after torch has run multithreaded work."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.maintainers.test_cli import KATA, ROOT, copy_project, env, solve

pytestmark = [
    pytest.mark.slow,  # end-to-end: real processes, seconds each
    pytest.mark.skipif(not hasattr(os, "fork"), reason="dojo watch needs fork"),
]


class Watch:
    """`dojo watch` as a subprocess, its output collected line by line with timestamps."""

    def __init__(self, project: Path, *args: str):
        self.project = project
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dojo", "watch", *args],
            cwd=project,
            env=env(PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.rstrip("\n")))

    @property
    def output(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def wait_for(self, predicate, since: float, timeout: float, nudge=None) -> float:
        """The time of the first line after `since` that satisfies `predicate`. `nudge` saves
        the file again every 20 s while the watcher has not noticed the save at all (a file
        event that got lost: slow file systems)."""
        end = time.monotonic() + timeout
        last_nudge = time.monotonic()
        while time.monotonic() < end:
            noticed = False
            for stamp, line in list(self.lines):
                if stamp >= since and predicate(line):
                    return stamp
                noticed = noticed or (stamp >= since and " saved" in line)
            if self.proc.poll() is not None:
                break
            if nudge is not None and not noticed and time.monotonic() - last_nudge > 20:
                nudge()
                last_nudge = time.monotonic()
            time.sleep(0.02)
        raise AssertionError(f"no such line within {timeout} s; the watcher said:\n{self.output}")

    def edit(self, text: str) -> float:
        path = self.project / "katas" / f"{KATA}.py"
        started = time.monotonic()
        path.write_text(text, encoding="utf-8")
        return started

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler: where every thread is
            self.proc.wait(timeout=30)
            self._reader.join(timeout=5)
            raise AssertionError(f"Ctrl-C did not stop the watcher:\n{self.output}") from None
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self._reader.join(timeout=5)


def test_watch_rechecks_every_save_and_survives_hangs_and_crashes(tmp_path):
    project = copy_project(tmp_path / "katas-copy")
    kata = project / "katas" / f"{KATA}.py"
    stub = kata.read_text(encoding="utf-8")
    solution = (project / "solutions" / f"{KATA}.py").read_text(encoding="utf-8")
    watch = Watch(project, KATA, "--timeout", "4")  # the budget of each test: the hang costs it
    try:
        t0 = time.monotonic()
        watch.wait_for(lambda ln: ln.startswith("watching katas/"), t0, 180)
        watch.wait_for(lambda ln: "checked in" in ln, t0, 180)
        assert "not started" in watch.output
        time.sleep(1.0)  # let the file watcher settle before the first save

        # a kata that never returns: stopped after --timeout, the watcher goes on
        hang = stub.replace('raise NotImplementedError("sgd_step")', "while True:\n        pass")
        start = watch.edit(hang)
        watch.wait_for(lambda ln: "timed out" in ln, start, 120,
                       nudge=lambda: kata.write_text(hang, encoding="utf-8"))

        # a kata that takes the interpreter down at import: a crash, the watcher goes on
        crash = "import os\nos._exit(7)\n" + stub
        start = watch.edit(crash)
        watch.wait_for(lambda ln: "crashed" in ln, start, 120,
                       nudge=lambda: kata.write_text(crash, encoding="utf-8"))

        # the solution: solved, and the next kata is offered
        start = watch.edit(solution)
        solved_at = watch.wait_for(lambda ln: ln.startswith("✓") and KATA in ln, start, 120,
                                   nudge=lambda: kata.write_text(solution, encoding="utf-8"))
        watch.wait_for(lambda ln: "Next:" in ln, start, 30)
        print(f"save to verdict: {solved_at - start:.2f} s")
    finally:
        code = watch.stop()
    assert code == 0, watch.output
    assert "Traceback" not in watch.output, watch.output
    assert "dojo watch stopped" in watch.output
    assert kata.read_text(encoding="utf-8") == solution  # the learner's file is untouched


def test_watch_polls_when_asked(tmp_path):
    project = copy_project(tmp_path / "katas-copy")
    solve(project)
    broken = (project / "katas" / f"{KATA}.py").read_text(encoding="utf-8") + "\ndef oops(:\n"
    watch = Watch(project, KATA, "--poll")
    try:
        t0 = time.monotonic()
        watch.wait_for(lambda ln: ln.startswith("✓"), t0, 180)
        time.sleep(1.0)
        start = watch.edit(broken)
        watch.wait_for(lambda ln: "does not import" in ln or "SyntaxError" in ln, start, 120)
    finally:
        code = watch.stop()
    assert code == 0, watch.output
    assert "Traceback" not in watch.output


FORK_AFTER_THREADS = """
import os, select, sys, time
from pathlib import Path
import torch
torch.set_num_threads(4)
a = torch.randn(1500, 1500)
(a @ a).sum()                       # OpenMP's pool is up in this process
x = torch.randn(5_000_000)
(x.exp() * 2).sum()
from dojo import watch

def big_work(setup, fd):
    if setup:
        watch.child_setup()
    y = torch.randn(5_000_000)
    (y.exp() * 2).sum()             # large enough for a parallel region
    b = torch.randn(1500, 1500)
    (b @ b).sum()
    os.write(fd, b"done")
    os._exit(0)

def forked(setup, timeout):
    pid, fd = watch.fork_run(big_work, setup)
    ready, _, _ = select.select([fd], [], [], timeout)
    done = bool(ready) and os.read(fd, 16) == b"done"
    if not done:
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    os.close(fd)
    return done

print("WITH_SETUP", forked(True, 120), flush=True)
print("WITHOUT_SETUP", forked(False, 2), flush=True)   # informational: hangs with GNU OpenMP
start = time.monotonic()
report = watch.run_check_blocking(Path(sys.argv[1]), sys.argv[2], timeout=120)
print("STATES", report.get("steps"), report.get("timeout"), report.get("crashed"))
print(f"SECONDS {time.monotonic() - start:.2f}")
"""


def test_a_check_forked_after_multithreaded_torch_work_does_not_hang(tmp_path):
    """Every child calls `torch.set_num_threads(1)` (watch.child_setup) before any torch work:
    without it, a child forked after the parent used OpenMP's pool can wait forever for
    threads that did not survive the fork (the script shows whether it does here)."""
    project = copy_project(tmp_path / "katas-copy")
    solve(project)
    script = tmp_path / "fork_after_threads.py"
    script.write_text(textwrap.dedent(FORK_AFTER_THREADS), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script), str(project), KATA],
        cwd=project, env=env(), capture_output=True, text=True, encoding="utf-8", timeout=280,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WITH_SETUP True" in result.stdout, result.stdout
    assert f"STATES {{'{KATA}': 'solved'}} None None" in result.stdout, result.stdout


def test_the_watcher_itself_runs_no_torch_operation_before_forking():
    """preload() imports what the checks need but computes nothing with torch."""
    code = textwrap.dedent(
        """
        import torch
        calls = []
        from torch.overrides import TorchFunctionMode
        class Spy(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                calls.append(getattr(func, "__name__", str(func)))
                return func(*args, **(kwargs or {}))
        with Spy():
            from dojo import watch
            watch.preload()
        print("CALLS", calls)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env(),
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert "CALLS []" in result.stdout, result.stdout


# --- the terminal: single keys, always restored ----------------------------------------------

SAVE_WHILE_LOADING = """
import sys
from pathlib import Path

from dojo import cli, watch

project = Path(sys.argv[1])
solution = (project / "solutions" / "inplace_update.py").read_text(encoding="utf-8")
loading = watch.preload


def preload_with_a_save():
    # the learner saves while torch is still loading
    (project / "katas" / "inplace_update.py").write_text(solution, encoding="utf-8")
    loading()


watch.preload = preload_with_a_save
sys.exit(cli.main(["watch"]))
"""

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    """A process on a pseudo-terminal: what it shows, keys sent one at a time."""

    def __init__(self, argv: list[str], cwd: Path, **extra):
        import pty

        self.master, self.slave = pty.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.text = ""
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdin=self.slave, stdout=self.slave, stderr=self.slave,
            env=env(COLUMNS="200", **extra), start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            self.text += ANSI.sub("", data.decode("utf-8", "replace"))

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 180) -> int:
        """The end of the first match of `pattern` in what was shown after offset `after`."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = re.search(pattern, self.text[after:])
            if found:
                return after + found.end()
            if self.proc.poll() is not None:
                time.sleep(0.3)
                found = re.search(pattern, self.text[after:])
                if found:
                    return after + found.end()
                break
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} not shown within {timeout} s:\n{self.text[after:]}")

    def press(self, key: str) -> int:
        mark = len(self.text)
        os.write(self.master, key.encode())
        return mark

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


termios = pytest.importorskip("termios")


def test_single_keys_act_at_once_and_the_terminal_is_restored(tmp_path):
    """A save made while torch loads is checked as soon as it has loaded; h, l, n and q act
    without Enter; the terminal's settings are the same afterwards."""
    project = copy_project(tmp_path / "katas-copy")
    script = tmp_path / "save_while_loading.py"
    script.write_text(SAVE_WHILE_LOADING, encoding="utf-8")
    term = Terminal([sys.executable, str(script), str(project)], project)
    try:
        # the file saved during loading is the first thing checked (not the kata in progress,
        # koans_references), and it is solved
        at = term.wait_for(r"katas/inplace_update\.py saved")
        at = term.wait_for(r"✓ solved\s+inplace_update", at)
        at = term.wait_for(r"keys: Enter re-check", at)
        assert "koans_references —" not in term.text[:at], term.text

        mark = term.press("l")  # the list, at once
        term.wait_for(r"✓ solved\s+inplace_update", mark, 60)
        term.wait_for(r"\bmnist\b", mark, 60)
        mark = term.press("h")  # the next hint of the kata in focus
        term.wait_for(r"Hint 1/\d", mark, 60)
        mark = term.press("n")  # the next kata is checked
        term.wait_for(r"next: \w+", mark, 60)
        term.wait_for(r"checked in", mark, 180)
        mark = term.press("q")
        assert term.proc.wait(timeout=60) == 0, term.text
        term.wait_for(r"dojo watch stopped", mark, 10)
        assert termios.tcgetattr(term.slave) == term.before, "the terminal was not restored"
        assert "Traceback" not in term.text, term.text
    finally:
        term.close()


def test_single_keys_restore_the_terminal_however_they_end():
    import pty

    from dojo.watch import single_keys

    master, slave = pty.openpty()
    try:
        before = termios.tcgetattr(slave)
        with single_keys(slave) as on:
            assert on
            lflag = termios.tcgetattr(slave)[3]
            assert not lflag & termios.ICANON and not lflag & termios.ECHO  # keys, no echo
        assert termios.tcgetattr(slave) == before
        with pytest.raises(ZeroDivisionError):
            with single_keys(slave):
                1 / 0
        assert termios.tcgetattr(slave) == before
        with pytest.raises(KeyboardInterrupt):  # SIGTERM ends it like Ctrl-C
            with single_keys(slave):
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)
        assert termios.tcgetattr(slave) == before
        with open(os.devnull, "rb") as null, single_keys(null.fileno()) as on:
            assert not on  # not a terminal: nothing changed
    finally:
        os.close(master)
        os.close(slave)
