"""`dojo grade`: the grading process. It never imports a submission's code.

1. Find the submissions and read their allow-listed kata files (bytes only).
2. Start the fork server (`python -I`, scrubbed environment) that imports torch once.
3. Calibrate: run every kata module's pristine tests against the reference (or an empty target
   where the grading machine has no reference), which gives the test ids the grader expects of
   every step (a GPU test that skips here is left out), which kata functions each test uses,
   and proves that the tests, the channel, the canaries and the probes work in the sandbox.
4. For each submission and kata module: a fresh job folder that receives only the pristine tests
   (plus this job's canaries) and the one kata file; the server forks a job process for it.
5. Judge each job from the records that left it on the server's pipes as each test ended
   (checked against the expected ids and the canaries; what came after the last expected test
   is ignored), and from its probes, compared here with the reference run in this process on
   the same per-job seed. Never from its output, never from a file it could write. Write OUT.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import secrets
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dojo
from dojo.catalog import Catalog, Step, load
from dojo.grade import canary, probes, sandbox
from dojo.grade.sandbox import Limits
from dojo.grade.server import REC_FD
from dojo.grade.submissions import Submission

GRADER_VERSION = "2"
STATE_FILE = "grade.json"


class GradingError(Exception):
    """The grader cannot grade (a problem of the setup, not of a submission)."""


@dataclass
class Settings:
    submissions: Path
    out: Path
    project: Path
    jobs: int = 2
    limits: Limits = field(default_factory=Limits)
    force: bool = False
    only: str | None = None
    lang: str = "en"
    katas: list[str] | None = None  # modules or steps to grade (default: the whole catalog)
    canaries: int = 4
    seed: int | None = None
    single: bool = False  # SUBMISSIONS is itself one submission
    quiet: bool = False
    catalog: Catalog | None = None


# --- the fork server, from this side ----------------------------------------------------------

BOOT = (
    "import importlib.util as u, sys\n"
    "p = {pkg!r}\n"
    "s = u.spec_from_file_location('dojo', p + '/__init__.py', submodule_search_locations=[p])\n"
    "m = u.module_from_spec(s); sys.modules['dojo'] = m; s.loader.exec_module(m)\n"
    "from dojo.grade.server import main\n"
    "main()\n"
)


def scrubbed_env(lang: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUTF8": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "CUDA_VISIBLE_DEVICES": "",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "NO_COLOR": "1",
        "DOJO_LANG": lang,
        **({"DOJO_GRADE_AS_USER": "1"} if os.environ.get("DOJO_GRADE_AS_USER") == "1" else {}),
    }


class ServerProcess:
    def __init__(self, workdir: Path, env: dict[str, str], token: str = ""):
        self.log_path = workdir / f"server-{int(time.time() * 1000)}.log"
        self.log = open(self.log_path, "wb")
        pkg = str(Path(dojo.__file__).resolve().parent)
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT.format(pkg=pkg)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env={**env, "DOJO_GRADE_ROOTS": str(workdir / "roots"), "DOJO_GRADE_TOKEN": token},
            cwd=str(workdir),
            start_new_session=True,
        )
        self.buffer = b""
        (workdir / "roots").mkdir(mode=0o700, exist_ok=True)
        hello = self.read(timeout=600)
        if not hello or hello.get("event") != "hello":
            self.kill()
            raise GradingError(f"the grader's server did not start; see {self.log_path}:\n"
                               + self.log_path.read_text(errors="replace")[-3000:])
        self.info = hello

    def send(self, message: dict) -> bool:
        try:
            self.proc.stdin.write((json.dumps(message, ensure_ascii=False) + "\n").encode())
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def read(self, timeout: float) -> dict | None:
        """The next event; None on timeout; {'event': 'eof'} when the server is gone."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return {"event": "eof"}
                self.buffer += chunk
                if len(self.buffer) > 256 * 2**20 and b"\n" not in self.buffer:
                    return {"event": "garbage", "line": "an endless line"}
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            found = json.loads(line)
        except (ValueError, RecursionError):
            return {"event": "garbage", "line": line[:200].decode(errors="replace")}
        return found if isinstance(found, dict) else {"event": "garbage", "line": "not a dict"}

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self.log.close()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def sweep(run_token: str, slots: int) -> None:
    """Kill anything of this run that survived (the server's death included)."""
    if sandbox.is_root():
        for slot in range(min(slots + 4, sandbox.SLOTS_PER_RUN)):
            sandbox.kill_uid(sandbox.uid_base(run_token) + slot)
        try:
            sandbox.Cgroups(run_token).close()
        except OSError:
            pass
    marker_prefix = f"DOJO_GRADE_JOB={run_token}".encode()
    me = os.getuid()
    for proc in sandbox.processes().values():
        if proc.uid != me or proc.pid == os.getpid():
            continue
        try:
            env = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(e.startswith(marker_prefix) for e in env):
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except OSError:
                pass


# --- jobs -------------------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    module: str
    student: Submission | None  # None: calibration
    dir: Path
    canaries: list[canary.Canary]
    probe_seed: int
    probes: bool  # whether this job runs the kata's probes
    attempt: int = 0
    event: dict | None = None


def tests_hash(project: Path, modules: list[str], catalog: Catalog) -> str:
    digest = hashlib.sha256(f"grader {GRADER_VERSION}".encode())
    for path in support_files(project) + [project / "tests" / f"test_{m}.py" for m in modules]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for step in catalog.steps:
        digest.update(f"{step.id}:{step.module}:{step.points}".encode())
    probes_file = Path(probes.__file__)
    digest.update(probes_file.read_bytes())
    return digest.hexdigest()[:16]


def support_files(project: Path) -> list[Path]:
    """The files of tests/ that every kata's tests may need (helpers, data), not other tests."""
    tests = project / "tests"
    return sorted(
        p for p in tests.iterdir()
        if p.is_file() and not p.name.startswith("test_") and p.suffix in (".py", ".json", ".txt", ".csv")
    )


# Appended to the reference when the grader calibrates: every attribute a test takes from the
# kata module is recorded, so that the grader knows which tests each function's probes speak for.
TRACE = """

import sys as _dojo_sys, types as _dojo_types
from dojo.grade import childplugin as _dojo_childplugin


class _DojoTraced(_dojo_types.ModuleType):
    def __getattribute__(self, name):
        _dojo_childplugin.touch(name)
        return _dojo_types.ModuleType.__getattribute__(self, name)


_dojo_sys.modules[__name__].__class__ = _DojoTraced
"""



class Grader:
    def __init__(self, settings: Settings):
        self.s = settings
        self.catalog = settings.catalog or load()
        self.project = Path(settings.project).resolve()
        wanted = settings.katas
        if wanted:
            steps: list[Step] = []
            for name in wanted:
                steps += [s for s in self.catalog.resolve(name) if s not in steps]
            steps.sort(key=lambda s: s.position)
        else:
            steps = list(self.catalog.steps)
        missing = [s.module for s in steps if not (self.project / "tests" / f"test_{s.module}.py").is_file()]
        if missing:
            raise GradingError(
                "these katas have no tests in "
                f"{self.project / 'tests'}: {', '.join(sorted(set(missing)))}"
            )
        self.steps = steps
        self.modules = list(dict.fromkeys(s.module for s in steps))
        self.seed = settings.seed if settings.seed is not None else secrets.randbits(32)
        self.rng = random.Random(self.seed)
        # probe inputs: drawn per job from a source the submission cannot predict (not the
        # canary seed, which may be fixed with --seed)
        self.probe_rng = random.SystemRandom()
        self.run_token = secrets.token_hex(6)
        self.tests_hash = tests_hash(self.project, self.modules, self.catalog)
        self.expected: dict[str, dict[str, str]] = {}  # module -> {nodeid: step}
        self.expected_skips: dict[str, set[str]] = {}
        self.uses: dict[str, dict[str, list[str]]] = {}  # module -> {nodeid: probed functions}
        self.refs = probes.References(self.project)
        self.rechecked: dict[str, str] = {}  # module -> "yes" or why not
        self.calibration: dict[str, dict] = {}
        self.counter = 0
        self.walls: dict[str, list[float]] = {}  # module -> wall times of its jobs so far
        self.server: ServerProcess | None = None
        self.tmp: Path | None = None
        self.env = scrubbed_env(settings.lang)
        for module in self.modules:
            if not probes.PROBES.get(module):
                self.rechecked[module] = "no probes for this kata"
            elif self.refs.source(module) is None:
                self.rechecked[module] = "no reference answer on this machine"
            else:
                self.rechecked[module] = "yes"

    def probed(self, module: str) -> bool:
        return self.rechecked.get(module) == "yes"

    # -- job folders --

    def make_job(self, module: str, student: Submission | None) -> Job:
        self.counter += 1
        job_id = f"j{self.counter}"
        folder = self.tmp / "jobs" / job_id
        (folder / "tests").mkdir(parents=True)
        (folder / "katas").mkdir()
        test_file = self.project / "tests" / f"test_{module}.py"
        groups = [s.id for s in self.catalog.steps_of(module) if s.is_group]
        canaries = canary.make(test_file, module, self.rng, self.s.canaries, groups or None)
        source = canary.append_to(test_file.read_text(encoding="utf-8"), canaries)
        (folder / "tests" / test_file.name).write_text(source, encoding="utf-8")
        for path in support_files(self.project):
            shutil.copyfile(path, folder / "tests" / path.name)
        if not (folder / "tests" / "__init__.py").exists():
            (folder / "tests" / "__init__.py").write_text("")
        (folder / "pytest.ini").write_text(
            "[pytest]\naddopts =\nfilterwarnings =\n    ignore::DeprecationWarning\n"
            "    ignore::pytest.PytestAssertRewriteWarning\n",
            encoding="utf-8",
        )
        kata_file = folder / "katas" / f"{module}.py"
        if student is not None and module in student.files:
            kata_file.write_bytes(student.files[module])
        elif student is None and self.refs.source(module) is not None:
            kata_file.write_text(self.refs.source(module) + TRACE, encoding="utf-8")
        for path in [folder, *folder.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        return Job(job_id, module, student, folder, canaries,
                   probe_seed=self.probe_rng.randrange(2**31), probes=self.probed(module))

    def request(self, job: Job) -> dict:
        token = f"{self.run_token}-{job.id}-{job.attempt}"
        return {
            "op": "run",
            "id": job.id,
            "dir": str(job.dir),
            "roots": str(self.tmp / "roots"),
            "token": token,
            "limits": self.s.limits.as_dict(),
            "env": self.env,
            "plan": {
                "module": job.module,
                "canaries": [c.name for c in job.canaries],
                "order_seed": self.rng.randrange(2**31),
                "channel": REC_FD,  # the record pipe's descriptor in the job
                "probes": job.probes,
                "probe_seed": job.probe_seed,
                "trace": job.student is None,
            },
            "pytest_args": [
                f"tests/test_{job.module}.py",
                "-c", "pytest.ini",
                "--rootdir", ".",
                "--confcutdir", ".",
                "-p", "no:cacheprovider",
                "-p", "no:unraisableexception",
                "-p", "dojo.pytest_plugin",
                "-p", "dojo.grade.childplugin",
                "--target", "katas",
                "--lang", self.s.lang,
                "-q", "--color=no", "--tb=short", "-rN",
            ],
        }

    # -- running --

    def start_server(self) -> None:
        self.server = ServerProcess(self.tmp, self.env, self.run_token)

    def run_jobs(self, jobs: list, on_done) -> None:
        """Run jobs (Job, or (module, student) made into a Job when its turn comes), at most
        `jobs` at a time; `on_done(job)` for each, as it ends."""
        self.on_done = on_done
        pending = list(jobs)
        flight: dict[str, Job] = {}
        quiet_limit = self.s.limits.timeout * 2 + 60
        while pending or flight:
            while pending and len(flight) < self.s.jobs:
                job = pending.pop(self.pick(pending))
                if isinstance(job, tuple):
                    job = self.make_job(*job)
                if not self.server.send(self.request(job)):
                    pending.insert(0, job)
                    self.restart(flight, pending)
                    break
                flight[job.id] = job
            if not flight:
                continue
            event = self.server.read(timeout=quiet_limit)
            if event is None or event.get("event") in ("eof", "garbage"):
                self.restart(flight, pending)
                continue
            if event.get("event") != "done":
                continue
            job = flight.pop(event.get("id"), None)
            if job is None:
                continue
            job.event = event
            wall = event.get("wall")
            if job.student is not None and isinstance(wall, (int, float)):
                self.walls.setdefault(job.module, []).append(float(wall))
            on_done(job)

    def pick(self, pending: list) -> int:
        """The next job: of the first submission still waiting, its slowest kata so far (by
        the mean wall time of that kata over the jobs done), so that no long job is left for
        the end of the run while the other slots idle."""
        first = pending[0]
        if not isinstance(first, tuple):
            return 0
        best, best_time = 0, -1.0
        for index, item in enumerate(pending):
            if not isinstance(item, tuple) or item[1] is not first[1]:
                break
            walls = self.walls.get(item[0])
            mean = sum(walls) / len(walls) if walls else 0.0
            if mean > best_time:
                best, best_time = index, mean
        return best

    def restart(self, flight: dict[str, Job], pending: list[Job]) -> None:
        """The server died or hung (a submission that got at it): kill it and everything of the
        run, start a new one, and run the jobs in flight again, once; a job that brings the
        server down twice counts as crashed."""
        self.server.kill()
        sweep(self.run_token, self.s.jobs)
        self.start_server()
        for job in list(flight.values()):
            flight.pop(job.id)
            if job.attempt >= 1:
                job.event = {"status": "crashed", "code": None, "signal": None, "wall": None,
                             "cpu": None, "leftovers": 0, "records": [],
                             "error": "the grader's server died twice while running it"}
                self.on_done(job)
            else:
                job.attempt += 1
                pending.insert(0, job)

    # -- judging one job --

    def judge(self, job: Job) -> dict:
        """{status, reason, tests: {nodeid: [state, message]}, probes, ...} of one job. An
        error here costs this job (crashed), never the run."""
        try:
            return self._judge(job)
        except Exception as err:  # noqa: BLE001
            event = job.event if isinstance(job.event, dict) else {}
            return {"module": job.module, "status": "crashed",
                    "reason": f"the grader could not judge it ({type(err).__name__}: {err})"[:500],
                    "tests": {}, "wall": None, "cpu": None, "peak_rss_mb": None,
                    "leftovers": 0, "last_test": None, "log": _text(event.get("log"), 70000),
                    "probes": None}

    def _judge(self, job: Job) -> dict:
        event = job.event if isinstance(job.event, dict) else {}
        records = event.get("records")
        records = [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
        starts = [r["n"] for r in records if r.get("k") == "start" and isinstance(r.get("n"), str)]
        last = starts[-1] if starts else None
        number = (lambda v: v if isinstance(v, (int, float)) and not isinstance(v, bool) else None)
        result = {
            "module": job.module,
            "status": "ok",
            "reason": "",
            "tests": {},
            "wall": number(event.get("wall")),
            "cpu": number(event.get("cpu")),
            "peak_rss_mb": number(event.get("peak_rss_mb")),
            "leftovers": number(event.get("leftovers")) or 0,
            "last_test": last,
            "log": _text(event.get("log"), 70000),
            "probes": None,
        }
        status = event.get("status")
        where = f" (in {last})" if last else ""
        lim = self.s.limits
        if status == "timeout":
            return {**result, "status": "timeout",
                    "reason": f"ran past the time limit of {lim.timeout:g} s{where}"}
        if status == "memory":
            return {**result, "status": "memory",
                    "reason": f"used more than {lim.memory_mb} MB of memory{where}"}
        if status == "disk":
            return {**result, "status": "disk",
                    "reason": f"wrote more than {lim.disk_mb} MB of files{where}"}
        if status in ("error", "crashed"):
            return {**result, "status": "crashed",
                    "reason": _text(event.get("error"), 500) or "crashed"}
        code, sig = event.get("code"), event.get("signal")
        if isinstance(sig, int):
            name = _signame(sig)
            extra = {
                "SIGXCPU": f": more than {lim.cpu_s or int(lim.timeout) + 10} s of CPU time",
                "SIGXFSZ": f": a file larger than {lim.file_mb} MB",
                "SIGSEGV": ": a segmentation fault",
            }.get(name, "")
            return {**result, "status": "crashed", "reason": f"killed by {name}{extra}{where}"}
        if code not in (0, 1):
            return {**result, "status": "crashed",
                    "reason": f"the tests did not finish (exit code {code}){where}"}
        if not any(r.get("k") == "end" for r in records):
            return {**result, "status": "crashed",
                    "reason": f"the tests did not finish: the process exited with code {code} "
                              f"before the end of the session{where}"}
        calibrating = job.student is None
        canary_ids = {f"tests/test_{job.module}.py::{c.name}": c for c in job.canaries}
        want = None
        if not calibrating:
            want = set(self.expected[job.module]) | self.expected_skips[job.module] | set(canary_ids)
        tests: dict[str, list] = {}
        uses: dict[str, list[str]] = {}
        changed: list[str] = []
        duplicates, unknown = [], []
        for record in records:
            if want is not None and not (want - tests.keys()):
                break  # every expected test has its result: whatever comes after is ignored
            kind = record.get("k")
            if kind == "end":
                changed += [c for c in record.get("c") or [] if isinstance(c, str)]
            if kind != "test":
                continue
            nodeid = record.get("n")
            if nodeid in tests:
                duplicates.append(nodeid)
                continue
            if want is not None and nodeid not in want:
                unknown.append(nodeid)
                continue
            tests[nodeid] = [record.get("s"), record.get("m")]
            uses[nodeid] = [u for u in record.get("u") or [] if isinstance(u, str)]
            changed += [c for c in record.get("c") or [] if isinstance(c, str)]
        result["tests"] = tests
        if calibrating:
            result["uses"] = uses
        flags = []
        if changed:
            flags.append("the testing machinery changed while the tests ran: "
                         + ", ".join(list(dict.fromkeys(changed))[:6]))
        for nodeid, c in canary_ids.items():
            got = tests.get(nodeid, ["missing"])[0]
            if got != c.expect:
                flags.append("a check whose outcome the grader knows came out wrong")
                break
        if unknown:
            flags.append(f"tests the grader did not expect: {', '.join(unknown[:3])}")
        if duplicates:
            flags.append(f"two results for one test: {', '.join(duplicates[:3])}")
        channel = event.get("channel") if isinstance(event.get("channel"), dict) else {}
        if channel.get("malformed") or channel.get("overflow"):
            flags.append("the job wrote data of the wrong shape or size to the grader's channel")
        if not isinstance(event.get("sandbox"), dict):
            flags.append("the job's sandbox did not report")
        if code == 0:
            flags.append("pytest reported success although some checks must fail")
        if result["leftovers"]:
            flags.append(f"{result['leftovers']} process(es) still ran after the tests "
                         f"(they could have sent results for it)")
        if job.probes:
            result["probes"] = self.recheck(job, event.get("probes"))
            if result["probes"].get("problem"):
                flags.append(result["probes"]["problem"])
        if flags:
            return {**result, "status": "flagged", "reason": "; ".join(dict.fromkeys(flags))}
        for nodeid in canary_ids:
            tests.pop(nodeid, None)
        return result

    def recheck(self, job: Job, sent) -> dict:
        """The job's probe observations against the reference's, computed here, on the job's
        seed: {seed, verdicts: {function: right|wrong|broken}, differs: {probe: [names]}}."""
        if not isinstance(sent, dict) or sent.get("seed") != job.probe_seed \
                or not isinstance(sent.get("results"), dict):
            return {"seed": job.probe_seed, "verdicts": {}, "differs": {},
                    "problem": "the re-check of the kata's values did not report"}
        want = self.refs.observe(job.module, job.probe_seed)
        compared = {p.name: probes.compare(p, sent["results"].get(p.name), want[p.name])
                    for p in probes.PROBES[job.module]}
        return {
            "seed": job.probe_seed,
            "verdicts": probes.verdicts(job.module, compared),
            "differs": {k: v["differs"] for k, v in compared.items() if v["differs"]},
            "timed_out": bool(sent.get("timed_out")),
        }

    # -- calibration --

    def calibrate(self) -> None:
        jobs = [self.make_job(m, None) for m in self.modules]
        problems = []

        def done(job: Job) -> None:
            res = self.judge(job)
            self.calibration[job.module] = {k: res[k] for k in ("status", "reason", "wall")}
            if res["status"] != "ok":
                problems.append(f"{job.module}: {res['status']}: {res['reason']}\n"
                                f"{(res['log'] or '')[-3000:]}")
            event = job.event or {}
            steps = {r["n"]: r.get("st") for r in event.get("records", []) if r.get("k") == "test"}
            expected, skips = {}, set()
            traced = self.refs.source(job.module) is not None
            for nodeid, (state, message) in res["tests"].items():
                if state == "skipped":
                    skips.add(nodeid)
                    continue
                expected[nodeid] = steps.get(nodeid) or job.module
                if traced and state != "passed" and not problems:
                    problems.append(f"{job.module}: the reference fails {nodeid} in the "
                                    f"sandbox: {message}")
            self.expected[job.module] = expected
            self.expected_skips[job.module] = skips
            fns = set(probes.functions(job.module))
            self.uses[job.module] = {n: sorted(set(u) & fns)
                                     for n, u in (res.get("uses") or {}).items()}
            if job.probes and res["status"] == "ok":
                verdicts = (res.get("probes") or {}).get("verdicts", {})
                off = {f: v for f, v in verdicts.items() if v != "right"}
                if off or not verdicts:
                    self.rechecked[job.module] = (
                        f"the probes disagree with the reference in the sandbox: {off} "
                        f"{(res.get('probes') or {}).get('differs')}")
            sandbox_used = event.get("sandbox")
            if isinstance(sandbox_used, dict):
                self.calibration["_sandbox"] = {"root": sandbox.is_root(), **sandbox_used,
                                                **(self.server.info.get("sandbox") or {})}
            if not os.environ.get("DOJO_GRADE_KEEP"):
                shutil.rmtree(job.dir, ignore_errors=True)

        self.run_jobs(jobs, done)
        wanted = {s.id for s in self.steps}
        for module in self.modules:
            have = set(self.expected.get(module, {}).values())
            for step in self.catalog.steps_of(module):
                if step.id in wanted and step.id not in have and not problems:
                    problems.append(f"{step.id}: no test of this step ran in calibration")
        if problems:
            raise GradingError("the pristine tests do not run as expected:\n" + "\n".join(problems))

    def on_done(self, job: Job) -> None:  # set by run_jobs
        raise NotImplementedError

    # -- scores --

    def contradicted(self, module: str, res: dict, ids: list[str]) -> dict[str, str]:
        """Tests whose reported pass the probes contradict: {nodeid: why}. A test that uses a
        broken function cannot pass; the tests that use a wrong function cannot all pass."""
        verdicts = ((res.get("probes") or {}).get("verdicts")) or {}
        if not verdicts:
            return {}
        uses = self.uses.get(module, {})
        passed = {n for n in ids if res["tests"].get(n, ["failing"])[0] == "passed"}
        found: dict[str, str] = {}
        for fn, verdict in verdicts.items():
            users = [n for n in ids if fn in uses.get(n, ())]
            if not users:
                continue
            if verdict == "broken":
                why = (f"`{fn}` raised on every input the grader tried (or is missing), yet "
                       f"tests that call it reported passing")
                for n in users:
                    if n in passed:
                        found.setdefault(n, why)
            elif verdict == "wrong" and all(n in passed for n in users):
                differs = [d for p, ds in (res["probes"].get("differs") or {}).items()
                           if p.split(":")[0] == fn for d in ds]
                why = (f"`{fn}` gives other values than the reference on the grader's own "
                       f"inputs ({', '.join(dict.fromkeys(differs))}), yet every test that "
                       f"uses it reported passing")
                for n in users:
                    found.setdefault(n, why)
        return found

    def score(self, sub: Submission, results: dict[str, dict]) -> dict:
        """The grade record of one submission (what OUT/<student>/grade.json holds)."""
        steps = {}
        total = 0.0
        problems = []
        for step in self.steps:
            res = results.get(step.module)
            ids = [n for n, s in self.expected[step.module].items() if s == step.id] \
                if step.module in self.expected else []
            tests = []
            passed = 0
            handed_in = step.module in sub.files
            if sub.refused:
                status, reason = "refused", sub.refused
            elif res is None and not handed_in:
                status, reason = "ok", ""  # no file, no job: every test fails
            elif res is None:
                status, reason = "crashed", "not graded"
            else:
                status, reason = res["status"], res["reason"]
            against = self.contradicted(step.module, res, ids) \
                if status == "ok" and res is not None else {}
            for nodeid in ids:
                if status != "ok":
                    state, message = "failing", reason
                elif not handed_in:
                    state, message = "failing", f"katas/{step.module}.py was not handed in"
                else:
                    state, message = res["tests"].get(
                        nodeid, ["failing", "this test did not report a result (a missing "
                                 "result counts as a failure)"])
                    if state == "skipped":
                        state, message = "failing", (
                            "the test skipped itself: tests skip only where the grader "
                            "expects it (a GPU test on a machine without one)")
                    if nodeid in against:
                        state, message = "failing", (
                            "the grader re-checked this kata's values on inputs of its own: "
                            + against[nodeid] + ". This test's pass does not count.")
                if state == "passed":
                    passed += 1
                tests.append({"nodeid": nodeid, "name": nodeid.split("::", 1)[-1],
                              "state": state, "message": message})
            points = round(step.points * passed / len(ids), 4) if ids else 0.0
            total += points
            rechecked = None
            if res is not None and res.get("probes"):
                mine = {f for n in ids for f in self.uses.get(step.module, {}).get(n, ())}
                rechecked = {f: v for f, v in res["probes"].get("verdicts", {}).items()
                             if f in mine}
            if status == "ok" and against:
                status = "flagged"
                reason = ("re-checked values contradict the tests: "
                          + "; ".join(dict.fromkeys(against.values())))
            if status == "ok":
                states = {t["state"] for t in tests}
                if not handed_in:
                    kata_state = "missing"
                elif states == {"passed"}:
                    kata_state = "solved"
                elif "broken" in states:
                    kata_state = "broken"
                elif states == {"not started"}:
                    kata_state = "not started"
                else:
                    kata_state = "failing"
            else:
                kata_state = status
                if status != "refused":
                    problems.append(f"{status}: {step.id}")
            steps[step.id] = {
                "module": step.module,
                "title": step.text("title", self.s.lang),
                "points": points,
                "max_points": step.points,
                "passed": passed,
                "tests_total": len(ids),
                "status": status,
                "state": kata_state,
                "reason": reason,
                "rechecked": rechecked,
                "flag": "recheck" if against else ("integrity" if status == "flagged" else None),
                "tests": tests,
            }
        if sub.refused:
            status = f"refused: {sub.refused}"
        else:
            status = "; ".join(problems) if problems else "ok"
        return {
            "student": sub.name,
            "dir": sub.dir_name,
            "steps": steps,
            "total": round(total, 2),
            "max_total": round(sum(s.points for s in self.steps), 2),
            "status": status,
            "refused": sub.refused,
            "notes": sub.notes,
            "modules": {m: {k: v for k, v in r.items() if k not in ("tests", "log")}
                        for m, r in results.items()},
        }


def remove_tree(path: Path) -> None:
    """Remove a folder whatever a job left in it (FIFOs, sockets, links, folders thousands of
    levels deep, names of any bytes): iterative, working relative to one open folder at a time
    (no path grows past PATH_MAX, no descriptor is held per level), never following a link,
    never raising. What cannot be removed is left."""
    top = os.fsencode(path)
    try:
        if not stat.S_ISDIR(os.lstat(top).st_mode):
            os.unlink(top)
            return
    except OSError:
        return
    fd = _open_folder(top, None)
    if fd is None:
        return
    levels = [(None, _clear_folder(fd))]  # (its name in its parent, subfolders still to visit)
    try:
        while levels:
            name, todo = levels[-1]
            if todo:
                child = _open_folder(todo[-1], fd)
                if child is not None:
                    os.close(fd)
                    fd = child
                    levels.append((todo.pop(), _clear_folder(fd)))
                else:
                    todo.pop()
                continue
            levels.pop()
            if name is None:
                break
            parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = parent
            try:
                os.rmdir(name, dir_fd=fd)
            except OSError:
                pass
    except OSError:
        pass
    finally:
        os.close(fd)
    try:
        os.rmdir(top)
    except OSError:
        pass


def _open_folder(name: bytes, dir_fd: int | None) -> int | None:
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except PermissionError:  # a folder its owner made unreadable (without root)
        try:
            os.chmod(name, 0o700, dir_fd=dir_fd)
            return os.open(name, flags, dir_fd=dir_fd)
        except OSError:
            return None
    except OSError:
        return None


def _clear_folder(fd: int) -> list[bytes]:
    """Unlink everything in the open folder that is not a folder; its subfolders' names."""
    folders = []
    try:
        with os.scandir(fd) as listing:
            entries = list(listing)
    except OSError:
        return folders
    for entry in entries:
        name = os.fsencode(entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            folders.append(name)
            continue
        try:
            os.unlink(name, dir_fd=fd)
        except OSError:
            pass
    return folders


def _text(value, cap: int) -> str:
    return value[:cap] if isinstance(value, str) else ""


def _signame(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"
