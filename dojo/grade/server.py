"""The fork server: imports torch, pytest and the kata plugin once, then forks one job process
per (submission, kata module), so that no job pays torch's import.

It is started by the grading process as `python -I` with a scrubbed environment and talks JSON
lines: requests on stdin, events on stdout. It runs no torch operation before forking (a child
forked after torch ran multithreaded work can hang). Each job process:

- starts a new session, enters private mount/network/IPC namespaces (a small private /tmp, the
  project's solutions, the submissions and OUT hidden, no network) where the machine allows it,
- sets its rlimits (CPU time, address space, data, file size, open files, processes),
- drops to a user id of its own slot when the server runs as root,
- runs one torch thread, and pytest on the pristine tests with `-p dojo.pytest_plugin`.

The server enforces the wall-clock timeout, the memory and disk limits from outside (SIGKILL to
everything the job started: its uid, its descendants, its marker), reaps orphans (it is their
subreaper) and reports how each job ended. What the tests said is read later, by the grading
process, from the job's report file; never from the job's output.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import sys
import time
import traceback
from pathlib import Path

from dojo.grade import sandbox
from dojo.grade.sandbox import Limits

TICK = 0.05
RUNTIME: list[str] = []
WATCH_EVERY = 0.5


class Job:
    def __init__(self, spec: dict, slot: int):
        self.spec = spec
        self.id = spec["id"]
        self.dir = Path(spec["dir"])
        self.limits = Limits.from_dict(spec.get("limits", {}))
        self.slot = slot
        self.uid = sandbox.UID_BASE + slot if sandbox.is_root() else None
        self.marker = f"DOJO_GRADE_JOB={spec['token']}".encode()
        self.pid = 0
        self.start = 0.0
        self.deadline = 0.0
        self.killed_for: str | None = None
        self.peak_rss_kb = 0
        self.seen: dict[int, int] = {}  # every process seen belonging to it: pid -> start time
        self.pipe_ino = 0  # a pipe end that every fork of the job inherits: a marker
        self.orphans = 0  # processes it left that the server killed while it ran


def _emit(out, event: dict) -> None:
    out.write(json.dumps(event, ensure_ascii=False) + "\n")
    out.flush()


def _preload() -> dict:
    """Import what every job needs, once. No torch operation runs here."""
    import hypothesis
    import numpy  # noqa: F401
    import pytest
    import torch

    import dojo
    import dojo.pytest_plugin  # noqa: F401
    import dojo.testing  # noqa: F401
    from dojo.grade import childplugin  # noqa: F401

    try:
        import _hypothesis_pytestplugin  # noqa: F401
    except ImportError:
        pass
    try:
        import torchvision  # noqa: F401

        vision = torchvision.__version__
    except Exception:  # noqa: BLE001
        vision = None
    try:
        import dojo.explain  # noqa: F401
        import dojo.datasets  # noqa: F401
        import dojo.mnist_net  # noqa: F401
    except Exception:  # noqa: BLE001
        pass
    return {
        "torch": torch.__version__,
        "torchvision": vision,
        "pytest": pytest.__version__,
        "hypothesis": hypothesis.__version__,
        "python": sys.version.split()[0],
        "dojo": getattr(dojo, "__version__", "?"),
        "root": sandbox.is_root(),
        "pid": os.getpid(),
    }


def _job_process(job: Job, proto_fds: tuple[int, ...]) -> None:
    """In the forked job process. Never returns."""
    code = 70
    try:
        for fd in (*proto_fds, *(sandbox._KILLER or ())):
            os.close(fd)
        os.setsid()
        log = os.open(str(job.dir / "log.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        used = {"namespaces": False, "uid": None, "hidden": [], "missed_limits": []}
        work = job.dir
        out_dir = job.dir / "out"
        if sandbox.is_root():
            try:
                work = sandbox.enter_namespaces(job.dir, job.limits, job.spec.get("hide", []),
                                                RUNTIME)
                used["namespaces"] = True
                used["hidden"] = job.spec.get("hide", [])
            except OSError as err:
                used["namespaces_error"] = str(err)
        os.chdir(work)
        home = Path("/tmp") if used["namespaces"] else out_dir / "home"
        home.mkdir(exist_ok=True)
        if job.uid is not None:
            os.chown(home, job.uid, job.uid)
        env = dict(job.spec["env"])
        env.update(
            {
                "HOME": str(home),
                "TMPDIR": str(home),
                "MPLCONFIGDIR": str(home),
                "XDG_CACHE_HOME": str(home),
                "DOJO_GRADE_JOB": job.spec["token"],
            }
        )
        os.environ.clear()
        os.environ.update(env)
        used["missed_limits"] = sandbox.set_limits(job.limits)
        if job.uid is not None and (used["namespaces"] or sandbox.readable_by_others(RUNTIME)):
            sandbox.drop_privileges(job.uid)
            used["uid"] = job.uid
        elif job.uid is not None:
            used["uid_skipped"] = "Python is not readable by other users and no namespaces"
        try:
            (Path("out") / "sandbox-used.json").write_text(json.dumps(used))
        except OSError:
            pass
        sandbox.libc().prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:
            os._exit(71)

        import torch

        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
        import pytest

        from dojo.grade import childplugin

        childplugin.PLAN = job.spec["plan"]
        args = list(job.spec["pytest_args"])
        try:
            import _hypothesis_pytestplugin  # noqa: F401

            args += ["-p", "_hypothesis_pytestplugin"]
        except ImportError:
            pass
        code = int(pytest.main(args))
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - whatever happens, the server must not go on here
        try:
            traceback.print_exc()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001
            pass
    os._exit(code)


class Server:
    def __init__(self, out, proto_fds):
        self.out = out
        self.proto_fds = proto_fds
        self.jobs: dict[int, Job] = {}
        self.free_slots: list[int] = []
        self.next_slot = 0
        self.last_watch = 0.0

    def slot(self) -> int:
        if self.free_slots:
            return self.free_slots.pop(0)
        self.next_slot += 1
        return self.next_slot - 1

    def start(self, spec: dict) -> None:
        job = Job(spec, self.slot())
        out_dir = job.dir / "out"
        out_dir.mkdir(exist_ok=True)
        if job.uid is not None:
            sandbox.kill_uid(job.uid)  # nothing of a former job of this slot survives
            os.chown(out_dir, job.uid, job.uid)
            os.chmod(out_dir, 0o700)
        job.start = time.monotonic()
        job.deadline = job.start + job.limits.timeout
        marker_r, marker_w = os.pipe()
        job.pipe_ino = os.fstat(marker_w).st_ino
        pid = os.fork()
        if pid == 0:
            os.close(marker_r)
            _job_process(job, self.proto_fds)
        os.close(marker_r)
        os.close(marker_w)
        job.pid = pid
        self.jobs[pid] = job

    def finish(self, job: Job, status: int, usage) -> None:
        # what still runs once the job process has ended was left behind by it: count, then kill
        table = sandbox.processes()
        me = os.getpid()
        mine = sandbox.job_processes(job.pid, job.uid, job.marker, table)
        # descendants seen while it ran, and (when it ran alone) any orphan handed to us
        mine |= {p for p, born in job.seen.items()
                 if p in table and sandbox.start_time(p) == born}  # not a reused pid
        for proc in table.values():
            if proc.ppid == me and proc.pid not in (job.pid, sandbox.KILLER_PID) and \
                    proc.pid not in self.jobs and \
                    (len(self.jobs) == 1 or sandbox.holds_pipe(proc.pid, job.pipe_ino)):
                mine.add(proc.pid)
        alive = {p for p in mine if p != job.pid and sandbox._state(p) not in ("Z", "X", "")}
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        leftovers = max(len(alive), sandbox.kill_job(job.pid, job.uid, job.marker)) + job.orphans
        self.jobs.pop(job.pid, None)
        self.free_slots.append(job.slot)
        self.free_slots.sort()
        event = {
            "event": "done",
            "id": job.id,
            "wall": round(time.monotonic() - job.start, 3),
            "cpu": round(usage.ru_utime + usage.ru_stime, 3) if usage else None,
            "maxrss_mb": round(usage.ru_maxrss / 1024, 1) if usage else None,
            "peak_rss_mb": round(job.peak_rss_kb / 1024, 1),
            "leftovers": leftovers,
            "code": None,
            "signal": None,
        }
        if os.WIFEXITED(status):
            event["code"] = os.WEXITSTATUS(status)
        elif os.WIFSIGNALED(status):
            event["signal"] = os.WTERMSIG(status)
        event["status"] = job.killed_for or ("exited" if event["code"] is not None else "signaled")
        _emit(self.out, event)

    def kill(self, job: Job, why: str) -> None:
        if job.killed_for is None:
            job.killed_for = why
        sandbox.kill_job(job.pid, job.uid, job.marker, rounds=3)

    def reap(self) -> None:
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = self.jobs.get(pid)
            if job is not None:
                self.finish(job, status, usage)
            # else: an orphan a job left behind (we are its subreaper): reaped, nothing more

    def watch(self) -> None:
        now = time.monotonic()
        for job in list(self.jobs.values()):
            if now > job.deadline and job.killed_for is None:
                self.kill(job, "timeout")
        if not self.jobs or now - self.last_watch < WATCH_EVERY:
            return
        self.last_watch = now
        table = sandbox.processes()
        me = os.getpid()
        known = set(self.jobs) | {sandbox.KILLER_PID}
        for job in list(self.jobs.values()):
            if job.killed_for is not None:
                continue
            pids = sandbox.job_processes(job.pid, job.uid, job.marker, table)
            for pid in pids - {job.pid} - set(job.seen):
                job.seen[pid] = sandbox.start_time(pid)
            rss = sandbox.memory_kb(pids, table, job.limits.memory_mb * 1024)
            job.peak_rss_kb = max(job.peak_rss_kb, rss)
            if rss > job.limits.memory_mb * 1024:
                self.kill(job, "memory")
                continue
            used, entries = sandbox.dir_usage(job.dir / "out")
            if used > job.limits.disk_mb * 1024 * 1024 or entries >= 20000:
                self.kill(job, "disk")
        # orphans re-parented to us that belong to no running job: kill them
        for proc in table.values():
            if proc.ppid == me and proc.pid not in known:
                owners = [j for j in self.jobs.values() if sandbox.holds_pipe(proc.pid, j.pipe_ino)]
                if not owners and len(self.jobs) == 1:
                    owners = list(self.jobs.values())
                for job in owners[:1]:
                    job.orphans += 1
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except OSError:
                    pass

    def serve(self, inp) -> None:
        buffer = b""
        closed = False
        while not closed or self.jobs:
            if not closed:
                ready, _, _ = select.select([inp], [], [], TICK)
                if ready:
                    chunk = os.read(inp, 65536)
                    if not chunk:
                        closed = True
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        if line.strip():
                            self.handle(json.loads(line))
            else:
                time.sleep(TICK)
            self.reap()
            self.watch()
        _emit(self.out, {"event": "bye"})

    def handle(self, request: dict) -> None:
        op = request.get("op")
        if op == "run":
            try:
                self.start(request)
            except Exception as err:  # noqa: BLE001
                _emit(self.out, {"event": "done", "id": request.get("id"), "status": "error",
                                 "error": f"{type(err).__name__}: {err}", "code": None,
                                 "signal": None, "wall": 0, "cpu": 0, "leftovers": 0})
        elif op == "ping":
            _emit(self.out, {"event": "pong"})


def main() -> None:
    # The protocol gets its own descriptors; 0 and 1 point elsewhere, so that nothing printed
    # by an import (or by a job before it redirects) can break the protocol.
    proto_in = os.dup(0)
    proto_out_fd = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(2, 1)
    os.close(null)
    out = os.fdopen(proto_out_fd, "w", encoding="utf-8")
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sandbox.set_subreaper()
    sandbox.start_killer()
    info = _preload()
    RUNTIME[:] = sandbox.runtime_paths()
    # everything imported so far moves to the permanent generation: the jobs' collections do
    # not walk it (pytest and hypothesis collect at their ends) and fewer pages get copied
    gc.collect()
    gc.freeze()
    _emit(out, {"event": "hello", **info})
    Server(out, (proto_in, proto_out_fd)).serve(proto_in)


if __name__ == "__main__":
    main()
