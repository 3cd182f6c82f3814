"""The fork server: imports torch, pytest and the kata plugin once, then forks one job process
per (submission, kata module), so that no job pays torch's import.

It is started by the grading process as `python -I` with a scrubbed environment and talks JSON
lines: requests on stdin, events on stdout. It runs no torch operation before forking (a child
forked after torch ran multithreaded work can hang). Each job process:

- starts a new session, joins its own control groups (CPU, processes, memory) and, as root,
  enters a minimal root of its own (`sandbox.enter_sandbox`: the Python runtime read-only, its
  folder read-only, one size-limited tmpfs for every write, no network),
- sets its rlimits and drops to the user id of its slot,
- runs the kata's probes in a child of its own (`dojo.grade.probes`: values the grader checks
  against the reference in its own process) and sends what they saw on the control pipe, which
  it closes before any test runs,
- runs pytest on the pristine tests with `-p dojo.pytest_plugin -p dojo.grade.childplugin`; the
  child plugin sends one record per test, as each ends, on the record pipe.

Nothing of a job comes back through a file. The server owns the other end of every pipe: the
control pipe (written only before the submission's code runs in the job process), the record
pipe and the output (stdout and stderr, of which a head and a tail are kept). It reads them with
strict caps on sizes and shapes, stops reading when the job ends or is killed, and sends what
it read in the job's `done` event. It enforces the wall clock, the memory and disk limits from
outside (SIGKILL to everything the job started: its cgroup, its uid, its descendants, its
marker) and reaps orphans (it is their subreaper).
"""

from __future__ import annotations

import fcntl
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
RUNTIME_FILES: list[str] = []
HIDDEN: list[str] = []
CGROUPS: sandbox.Cgroups | None = None
UID_BASE = sandbox.UID_BASE  # this run's first user id (sandbox.uid_base of its token)
SANDBOX: dict = {}  # what the server could set up: {"root": ..., "error": ...}
WATCH_EVERY = 0.5

CTL_FD, REC_FD, MARK_FD = 3, 4, 5  # in the job process
LINE_CAP = 64 * 1024  # one record
RECORD_BYTES = 4 * 2**20  # all records of a job
CTL_BYTES = 4 * 2**20
# a test's states, as dojo.pytest_plugin.classify gives them
STATES = ("passed", "failing", "not started", "broken", "skipped", "timeout", "environment")


def _text(value, cap: int) -> str | None:
    return value[:cap] if isinstance(value, str) else None


def _strings(value, count: int, cap: int) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v[:cap] for v in value[:count] if isinstance(v, str)]


def check_record(obj) -> dict | None:
    """A record from a job's record pipe, reduced to its known shape; None if it has another."""
    if not isinstance(obj, dict) or not isinstance(obj.get("n"), str) or len(obj["n"]) > 2000:
        return None
    kind = obj.get("k")
    if kind == "start":
        return {"k": "start", "n": obj["n"]}
    if kind == "test" and obj.get("s") in STATES:
        message = obj.get("m")
        if message is not None and not isinstance(message, str):
            return None
        step = obj.get("st")
        return {"k": "test", "n": obj["n"], "s": obj["s"], "m": _text(message, 4000),
                "st": _text(step, 200), "c": _strings(obj.get("c"), 50, 300),
                "u": _strings(obj.get("u"), 200, 200)}
    if kind == "end":
        return {"k": "end", "n": obj["n"], "c": _strings(obj.get("c"), 50, 300)}
    return None


class Pipe:
    """The server's end of one of a job's pipes: non-blocking, read with caps."""

    def __init__(self, fd: int, cap: int):
        self.fd = fd
        self.cap = cap
        self.got = 0
        self.buffer = b""
        self.lines: list[bytes] = []
        self.overflow = False
        self.long_lines = 0
        self.skipping = False  # inside a line longer than LINE_CAP
        self.open = True
        os.set_blocking(fd, False)

    def read(self, budget: int = 1 << 20) -> bytes:
        """Whatever is there now (at most `budget` bytes); b'' and closed at EOF."""
        chunks = []
        while budget > 0 and self.open:
            try:
                chunk = os.read(self.fd, min(65536, budget))
            except BlockingIOError:
                break
            except OSError:
                self.close()
                break
            if not chunk:
                self.close()
                break
            budget -= len(chunk)
            chunks.append(chunk)
        return b"".join(chunks)

    def feed_lines(self) -> None:
        data = self.read()
        if not data or self.overflow:
            return
        self.got += len(data)
        if self.got > self.cap:
            self.overflow = True
            return
        if self.skipping:  # the rest of a line that was too long: dropped up to its end
            if b"\n" not in data:
                return
            data = data.split(b"\n", 1)[1]
            self.skipping = False
        self.buffer += data
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            if len(line) > LINE_CAP:
                self.long_lines += 1
            elif line.strip():
                self.lines.append(line)
        if len(self.buffer) > LINE_CAP:
            self.long_lines += 1
            self.buffer = b""
            self.skipping = True

    def close(self) -> None:
        if self.open:
            self.open = False
            try:
                os.close(self.fd)
            except OSError:
                pass


class Output(Pipe):
    """The job's stdout and stderr: the first and the last `cap / 2` bytes are kept."""

    def __init__(self, fd: int, cap: int):
        super().__init__(fd, cap)
        self.head = b""
        self.tail = b""
        self.total = 0

    def feed(self) -> None:
        data = self.read()
        if not data:
            return
        self.total += len(data)
        half = self.cap // 2
        if len(self.head) < half:
            take = half - len(self.head)
            self.head += data[:take]
            data = data[take:]
        self.tail = (self.tail + data)[-half:]

    def text(self) -> str:
        if self.total > len(self.head) + len(self.tail):
            raw = self.head + b"\n[... output cut by the grader ...]\n" + self.tail
        else:
            raw = self.head + self.tail
        return raw.decode("utf-8", "replace")


class Job:
    def __init__(self, spec: dict, slot: int):
        self.spec = spec
        self.id = spec["id"]
        self.dir = Path(spec["dir"])
        self.limits = Limits.from_dict(spec.get("limits", {}))
        self.slot = slot
        self.uid = UID_BASE + slot if sandbox.is_root() else None
        self.marker = f"DOJO_GRADE_JOB={spec['token']}".encode()
        self.pid = 0
        self.start = 0.0
        self.deadline = 0.0
        self.killed_for: str | None = None
        self.peak_rss_kb = 0
        self.seen: dict[int, int] = {}  # every process seen belonging to it: pid -> start time
        self.pipe_ino = 0  # a pipe end that every fork of the job inherits: a marker
        self.orphans = 0  # processes it left that the server killed while it ran
        self.cgroups: list[str] = []
        self.memory_group = False  # the kernel enforces its memory limit (a control group)
        self.ctl: Pipe | None = None
        self.rec: Pipe | None = None
        self.out: Output | None = None
        self.root_dir = ""

    def pipes(self) -> list[Pipe]:
        return [p for p in (self.ctl, self.rec, self.out) if p is not None and p.open]


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
    from dojo.grade import childplugin, probes  # noqa: F401

    try:
        import _hypothesis_pytestplugin  # noqa: F401
    except ImportError:
        pass
    try:
        import torchvision  # noqa: F401

        vision = torchvision.__version__
    except Exception:  # noqa: BLE001
        vision = None
    # torch._dynamo: the first optimizer a process builds imports it (and sympy), seconds of
    # CPU that every job of a kata with an optimizer would pay again; an import, no operation
    for extra in ("dojo.explain", "dojo.datasets", "dojo.mnist_net", "dojo.mnist_data",
                  "torch.utils.data", "torch.optim", "torch._dynamo"):
        try:
            __import__(extra)
        except Exception:  # noqa: BLE001
            pass
    from dojo.runner import mine_hypothesis_constants

    mine_hypothesis_constants()  # after every import: each job would parse them all again
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


def _write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            written = os.write(fd, data)
        except InterruptedError:
            continue
        data = data[written:]


def _fds_to(wanted: dict[int, int]) -> None:
    """Move descriptors to fixed numbers (target -> source) and close every other one above 2."""
    temps = {target: fcntl.fcntl(src, fcntl.F_DUPFD, 700) for target, src in wanted.items()}
    for target, temp in temps.items():
        os.dup2(temp, target)
    keep = max(wanted) + 1
    os.closerange(keep, 4096)
    for target in (CTL_FD, REC_FD):
        if target in wanted:
            fcntl.fcntl(target, fcntl.F_SETFD, fcntl.FD_CLOEXEC)


def _probe_processes(child: int, uid: int | None, marker: bytes) -> set[int]:
    """The processes of the probe phase still alive (zombies are dead): as the job's own user,
    every other process of that user; otherwise the probes' process group, this process's
    descendants and whatever carries the job's marker."""
    me = os.getpid()
    table = sandbox.processes()
    if uid is not None:
        found = {p.pid for p in table.values() if p.uid == uid}
    else:
        found = sandbox.job_processes(me, None, marker, table)
        found |= {p for p in table if sandbox.process_group(p) == child}
    found.discard(me)
    return {p for p in found if sandbox._state(p) not in ("Z", "X", "")}


def _end_probes(child: int, uid: int | None, marker: bytes, patience: float = 5.0) -> None:
    """Kill the probes' process and everything it started, and wait until they are dead: a
    killed process takes a while to die (a torch process unmaps a lot), and one the server saw
    alive after the control pipe closed would count against the tests as a leftover."""
    reaped, deadline = False, time.monotonic() + patience
    while True:
        try:
            if uid is not None:
                os.kill(-1, signal.SIGKILL)  # every other process of this user, never the caller
            else:
                os.killpg(child, signal.SIGKILL)
        except OSError:
            pass  # nothing left to signal
        if not reaped:
            try:
                reaped = os.waitpid(child, os.WNOHANG)[0] == child
            except ChildProcessError:
                reaped = True
        alive = _probe_processes(child, uid, marker)
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if (reaped and not alive) or time.monotonic() > deadline:
            return
        time.sleep(0.005)


def _probe_phase(job: Job, used: dict) -> dict:
    """In the job process, before any test (and before the submission's code ran in it): the
    kata's probes run in a child of their own; what they saw comes back here, is checked, and
    goes to the server on the control pipe. Everything the probes' process started is dead
    before this returns (`_end_probes`), so that the server, once the control pipe closes,
    counts only what the tests leave."""
    from dojo.grade import probes

    plan = job.spec["plan"]
    module, seed = plan["module"], int(plan["probe_seed"])
    budget = min(max(5.0, job.limits.timeout * 0.25), 30.0)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        code = 0
        try:
            os.close(read_end)
            os.close(CTL_FD)
            os.close(REC_FD)
            os.setpgid(0, 0)
            probes.run_all(module, Path("katas") / f"{module}.py", seed,
                           lambda text: _write_all(write_end, text.encode("utf-8")))
        except BaseException:  # noqa: BLE001
            code = 1
        os._exit(code)
    os.close(write_end)
    os.set_blocking(read_end, False)
    wanted = {p.name for p in probes.PROBES.get(module, [])}
    results: dict = {}
    buffer, got, deadline, timed_out = b"", 0, time.monotonic() + budget, False
    # until every probe has its result (not until EOF: a process the submission started at
    # import may hold the pipe open), the pipe closes, 1 MiB came, or the budget is spent
    while len(results) < len(wanted) and got <= 2**20:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_end], [], [], min(left, 0.5))
        if not ready:
            continue
        try:
            chunk = os.read(read_end, 65536)
        except BlockingIOError:
            continue
        if not chunk:
            break
        got += len(chunk)
        *lines, buffer = (buffer + chunk).split(b"\n")
        for line in lines:
            try:
                obj = json.loads(line.decode("utf-8"))
            except (ValueError, UnicodeDecodeError, RecursionError):
                continue
            if isinstance(obj, dict) and obj.get("p") in wanted and obj["p"] not in results \
                    and probes.valid(obj.get("o")):
                results[obj["p"]] = obj["o"]
    os.close(read_end)
    _end_probes(child, used.get("uid"), job.marker)
    for name in wanted - set(results):
        results[name] = {"error": "timed out" if timed_out else "no result"}
    return {"k": "probes", "seed": seed, "results": results, "timed_out": timed_out}


def _job_process(job: Job, proto_fds: tuple[int, ...], ends: dict[int, int]) -> None:
    """In the forked job process. Never returns."""
    code = 70
    try:
        for fd in (*proto_fds, *(sandbox._KILLER or ())):
            os.close(fd)
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(ends["out"], 1)
        os.dup2(ends["out"], 2)
        _fds_to({CTL_FD: ends["ctl"], REC_FD: ends["rec"], MARK_FD: ends["mark"]})
        sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        used: dict = {"minimal_root": False, "namespaces": False, "uid": None,
                      "cgroups": CGROUPS.describe() if CGROUPS else {}, "missed_limits": []}
        if job.cgroups:
            sandbox.Cgroups.join(job.cgroups)
        home = job.dir / "home"
        if SANDBOX.get("root"):
            sandbox.enter_sandbox(job.dir, job.limits, job.root_dir, RUNTIME, RUNTIME_FILES,
                                  HIDDEN)
            used.update(minimal_root=True, namespaces=True)
            home = Path("/tmp")
            os.chdir("/job")
        else:
            os.chdir(job.dir)
            if job.uid is not None:
                os.chown(home, job.uid, job.uid)
        env = dict(job.spec["env"])
        env.update({"HOME": str(home), "TMPDIR": str(home), "MPLCONFIGDIR": str(home),
                    "XDG_CACHE_HOME": str(home),
                    "HYPOTHESIS_STORAGE_DIRECTORY": str(home / ".hypothesis"),
                    "DOJO_GRADE_JOB": job.spec["token"]})
        os.environ.clear()
        os.environ.update(env)
        used["missed_limits"] = sandbox.set_limits(job.limits)
        if job.uid is not None and (used["minimal_root"] or sandbox.readable_by_others(RUNTIME)):
            sandbox.drop_privileges(job.uid)
            used["uid"] = job.uid
        elif job.uid is not None:
            used["uid_skipped"] = "Python is not readable by other users and no minimal root"
        sandbox.libc().prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:
            os._exit(71)
        _write_all(CTL_FD, (json.dumps({"k": "sandbox", **used}) + "\n").encode())

        import torch

        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
        plan = job.spec["plan"]
        if plan.get("probes"):
            _write_all(CTL_FD, (json.dumps(_probe_phase(job, used)) + "\n").encode())
        # from here on the submission's code runs in this process: the control pipe closes
        os.close(CTL_FD)

        import pytest

        from dojo.grade import childplugin

        childplugin.PLAN = plan
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
        if job.uid is not None:
            sandbox.kill_uid(job.uid)  # nothing of a former job of this slot survives
        home = job.dir / "home"
        if not SANDBOX.get("root"):
            home.mkdir(exist_ok=True)
        if SANDBOX.get("root"):
            job.root_dir = str(Path(spec["roots"]) / f"slot{job.slot}")
            os.makedirs(job.root_dir, 0o700, exist_ok=True)
        if CGROUPS is not None and CGROUPS.roots:
            job.cgroups = CGROUPS.create(f"{job.id}-{spec['token'][-6:]}", job.limits)
            job.memory_group = CGROUPS.memory_limited(job.cgroups, job.limits)
        job.start = time.monotonic()
        job.deadline = job.start + job.limits.timeout
        ends = {}
        pipes = {}
        for name in ("ctl", "rec", "out", "mark"):
            r, w = os.pipe()
            pipes[name], ends[name] = r, w
        job.pipe_ino = os.fstat(ends["mark"]).st_ino
        pid = os.fork()
        if pid == 0:
            for fd in pipes.values():
                os.close(fd)
            _job_process(job, self.proto_fds, ends)
        for fd in ends.values():
            os.close(fd)
        os.close(pipes["mark"])
        job.ctl = Pipe(pipes["ctl"], CTL_BYTES)
        job.rec = Pipe(pipes["rec"], RECORD_BYTES)
        job.out = Output(pipes["out"], job.limits.output_kb * 1024)
        job.pid = pid
        self.jobs[pid] = job

    def pump(self, job: Job) -> None:
        for pipe in job.pipes():
            if isinstance(pipe, Output):
                pipe.feed()
            else:
                pipe.feed_lines()

    def stop_reading(self, job: Job) -> None:
        """The job ended or was killed: take what is already in the pipes, then close them,
        so that nothing written after this moment (by a process it left) is ever read."""
        for pipe in job.pipes():
            for _ in range(64):
                before = (pipe.got, getattr(pipe, "total", 0))
                self.pump(job) if pipe.open else None
                if not pipe.open or (pipe.got, getattr(pipe, "total", 0)) == before:
                    break
            pipe.close()

    def collected(self, job: Job) -> dict:
        ctl: dict = {}
        for line in job.ctl.lines if job.ctl else []:
            try:
                obj = json.loads(line.decode("utf-8"))
            except (ValueError, UnicodeDecodeError, RecursionError):
                continue
            if isinstance(obj, dict) and obj.get("k") in ("sandbox", "probes") \
                    and obj["k"] not in ctl:
                ctl[obj["k"]] = obj
        records, malformed = [], 0
        rec = job.rec
        for line in rec.lines if rec else []:
            try:
                found = check_record(json.loads(line.decode("utf-8")))
            except (ValueError, UnicodeDecodeError, RecursionError):
                found = None
            if found is None:
                malformed += 1
            else:
                records.append(found)
        return {
            "records": records,
            "channel": {"malformed": malformed + (rec.long_lines if rec else 0),
                        "overflow": bool(rec and rec.overflow), "bytes": rec.got if rec else 0},
            "sandbox": ctl.get("sandbox"),
            "probes": ctl.get("probes"),
            "log": job.out.text() if job.out else "",
        }

    def finish(self, job: Job, status: int, usage) -> None:
        self.stop_reading(job)
        # what still runs once the job process has ended was left behind by it: count, then kill
        table = sandbox.processes()
        me = os.getpid()
        mine = sandbox.job_processes(job.pid, job.uid, job.marker, table)
        mine |= sandbox.Cgroups.pids(job.cgroups)
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
        if CGROUPS is not None and job.cgroups:
            if job.killed_for is None and CGROUPS.oom(job.cgroups):
                job.killed_for = "memory"
            CGROUPS.kill(job.cgroups)
            CGROUPS.remove(job.cgroups)
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
            **self.collected(job),
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
        self.stop_reading(job)
        if CGROUPS is not None and job.cgroups:
            CGROUPS.kill(job.cgroups)
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
                try:
                    self.finish(job, status, usage)
                except Exception as err:  # noqa: BLE001 - one job's trouble is that job's
                    self.jobs.pop(pid, None)
                    if job.slot not in self.free_slots:
                        self.free_slots.append(job.slot)
                    _emit(self.out, {"event": "done", "id": job.id, "status": "error",
                                     "error": f"the grader could not judge it: "
                                              f"{type(err).__name__}: {err}"[:500],
                                     "code": None, "signal": None, "wall": None, "cpu": None,
                                     "leftovers": 0, "records": [], "log": ""})
            # else: an orphan a job left behind (we are its subreaper): reaped, nothing more

    def disk_used(self, job: Job) -> int:
        """Bytes the job wrote: its tmpfs (deleted files that are open included), or, without
        the minimal root, its home folder and the files its processes hold open."""
        if SANDBOX.get("root"):
            try:
                st = os.statvfs(f"/proc/{job.pid}/root/tmp")
            except OSError:
                return 0
            if abs(st.f_blocks * st.f_frsize - job.limits.disk_mb * 2**20) > 2**20:
                return 0  # not the job's tmpfs yet: it is still setting its root up
            return (st.f_blocks - st.f_bfree) * st.f_frsize
        used, _ = sandbox.dir_usage(job.dir / "home")
        return used + sandbox.open_file_bytes(set(job.seen) | {job.pid})

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
            pids |= sandbox.Cgroups.pids(job.cgroups)
            for pid in pids - {job.pid} - set(job.seen):
                job.seen[pid] = sandbox.start_time(pid)
            if job.memory_group:
                # the kernel enforces the limit (finish() reports its OOM kills as "memory")
                job.peak_rss_kb = max(job.peak_rss_kb, CGROUPS.memory_kb(job.cgroups))
            else:
                rss = sandbox.memory_kb(pids, table, job.limits.memory_mb * 1024)
                job.peak_rss_kb = max(job.peak_rss_kb, rss)
                if rss > job.limits.memory_mb * 1024:
                    self.kill(job, "memory")
                    continue
            if self.disk_used(job) >= job.limits.disk_mb * 1024 * 1024 * 0.98:
                self.kill(job, "disk")
        # orphans re-parented to us that belong to no running job: kill them
        for proc in table.values():
            if proc.ppid == me and proc.pid not in known:
                owners = [j for j in self.jobs.values() if sandbox.holds_pipe(proc.pid, j.pipe_ino)]
                if not owners and len(self.jobs) == 1:
                    owners = list(self.jobs.values())
                if any(j.ctl is not None and j.ctl.open for j in owners[:1]) \
                        or sandbox._state(proc.pid) in ("Z", "X", ""):
                    continue  # the job's probes still run, or a process already dead
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
            fds = [] if closed else [inp]
            by_fd = {}
            for job in self.jobs.values():
                for pipe in job.pipes():
                    fds.append(pipe.fd)
                    by_fd[pipe.fd] = job
            try:
                ready, _, _ = select.select(fds, [], [], TICK) if fds else ([], [], [])
            except (OSError, ValueError):
                ready = []
            if not fds:
                time.sleep(TICK)
            for fd in ready:
                if fd == inp:
                    chunk = os.read(inp, 65536)
                    if not chunk:
                        closed = True
                    buffer += chunk
                    while b"\n" in buffer:
                        line, buffer = buffer.split(b"\n", 1)
                        if line.strip():
                            self.handle(json.loads(line))
                elif fd in by_fd:
                    try:
                        self.pump(by_fd[fd])
                    except Exception:  # noqa: BLE001
                        pass
            self.reap()
            try:
                self.watch()
            except Exception:  # noqa: BLE001 - a hostile /proc entry must not stop the server
                traceback.print_exc()
        _emit(self.out, {"event": "bye"})

    def handle(self, request: dict) -> None:
        op = request.get("op")
        if op == "run":
            try:
                self.start(request)
            except Exception as err:  # noqa: BLE001
                _emit(self.out, {"event": "done", "id": request.get("id"), "status": "error",
                                 "error": f"{type(err).__name__}: {err}", "code": None,
                                 "signal": None, "wall": 0, "cpu": 0, "leftovers": 0,
                                 "records": [], "log": ""})
        elif op == "ping":
            _emit(self.out, {"event": "pong"})


def _try_sandbox(roots: str) -> dict:
    """Whether this machine lets a job have its minimal root: one trial job that sets it up
    and exits. {"root": True} or {"root": False, "error": why}."""
    if not sandbox.is_root():
        return {"root": False, "error": "not root"}
    if os.environ.get("DOJO_GRADE_NO_ROOTFS") == "1":
        return {"root": False, "error": "DOJO_GRADE_NO_ROOTFS=1"}
    folder = Path(roots) / "trial"
    job_dir = Path(roots) / "trial-job"
    folder.mkdir(parents=True, exist_ok=True)
    job_dir.mkdir(exist_ok=True)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            sandbox.enter_sandbox(job_dir, Limits(), str(folder), RUNTIME, RUNTIME_FILES, HIDDEN)
            import torch

            torch.ones(2).sum()  # the runtime works in there
            os.write(w, b"ok")
        except BaseException as err:  # noqa: BLE001
            os.write(w, f"{type(err).__name__}: {err}"[:300].encode())
        os._exit(0)
    os.close(w)
    answer = b""
    while True:
        chunk = os.read(r, 4096)
        if not chunk:
            break
        answer += chunk
    os.close(r)
    os.waitpid(pid, 0)
    if answer == b"ok":
        return {"root": True}
    return {"root": False, "error": answer.decode("utf-8", "replace") or "the trial died"}


def main() -> None:
    global CGROUPS, UID_BASE
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
    RUNTIME_FILES[:] = sandbox.runtime_files()
    HIDDEN[:] = sandbox.masks(RUNTIME)
    roots = os.environ.get("DOJO_GRADE_ROOTS") or os.path.join(os.getcwd(), "roots")
    SANDBOX.update(_try_sandbox(roots))
    token = os.environ.get("DOJO_GRADE_TOKEN", str(os.getpid()))
    UID_BASE = sandbox.uid_base(token)
    CGROUPS = sandbox.Cgroups(token)
    # everything imported so far moves to the permanent generation: the jobs' collections do
    # not walk it (pytest and hypothesis collect at their ends) and fewer pages get copied
    gc.collect()
    gc.freeze()
    _emit(out, {"event": "hello", **info, "sandbox": {**SANDBOX, **CGROUPS.describe(),
                                                      "runtime": RUNTIME, "hidden": HIDDEN}})
    try:
        Server(out, (proto_in, proto_out_fd)).serve(proto_in)
    finally:
        CGROUPS.close()


if __name__ == "__main__":
    main()
