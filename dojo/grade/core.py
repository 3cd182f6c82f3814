"""`dojo grade`: the grading process. It never imports a submission's code.

1. Find the submissions and read their allow-listed kata files (bytes only).
2. Start the fork server (`python -I`, scrubbed environment) that imports torch once.
3. Calibrate: run every kata module's pristine tests against an empty target, which gives the
   test ids the grader expects of every step (a GPU test that skips here is left out), and
   proves the canaries and the report work.
4. For each submission and kata module: a fresh job folder that receives only the pristine tests
   (plus this job's canaries) and the one kata file; the server forks a job process for it.
5. Judge each job from its structured report, checked against the expected ids and the canaries;
   never from its output. Write OUT.
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
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import dojo
from dojo.catalog import Catalog, Step, load
from dojo.grade import canary, sandbox
from dojo.grade.sandbox import Limits
from dojo.grade.submissions import Submission

GRADER_VERSION = "1"
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
    def __init__(self, workdir: Path, env: dict[str, str]):
        self.log_path = workdir / f"server-{int(time.time() * 1000)}.log"
        self.log = open(self.log_path, "wb")
        pkg = str(Path(dojo.__file__).resolve().parent)
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT.format(pkg=pkg)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
            cwd=str(workdir),
            start_new_session=True,
        )
        self.buffer = b""
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
                chunk = os.read(fd, 65536)
                if not chunk:
                    return {"event": "eof"}
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return {"event": "garbage", "line": line[:200].decode(errors="replace")}

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
        for slot in range(slots + 4):
            sandbox.kill_uid(sandbox.UID_BASE + slot)
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
    report: str
    nonce: str
    attempt: int = 0
    event: dict | None = None


def tests_hash(project: Path, modules: list[str], catalog: Catalog) -> str:
    digest = hashlib.sha256(f"grader {GRADER_VERSION}".encode())
    for path in support_files(project) + [project / "tests" / f"test_{m}.py" for m in modules]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for step in catalog.steps:
        digest.update(f"{step.id}:{step.module}:{step.points}".encode())
    return digest.hexdigest()[:16]


def support_files(project: Path) -> list[Path]:
    """The files of tests/ that every kata's tests may need (helpers, data), not other tests."""
    tests = project / "tests"
    return sorted(
        p for p in tests.iterdir()
        if p.is_file() and not p.name.startswith("test_") and p.suffix in (".py", ".json", ".txt", ".csv")
    )


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
        self.run_token = secrets.token_hex(6)
        self.tests_hash = tests_hash(self.project, self.modules, self.catalog)
        self.expected: dict[str, dict[str, str]] = {}  # module -> {nodeid: step}
        self.expected_skips: dict[str, set[str]] = {}
        self.calibration: dict[str, dict] = {}
        self.counter = 0
        self.walls: dict[str, list[float]] = {}  # module -> wall times of its jobs so far
        self.server: ServerProcess | None = None
        self.tmp: Path | None = None
        self.env = scrubbed_env(settings.lang)

    # -- job folders --

    def hide_list(self) -> list[str]:
        project = self.project
        paths = [project / n for n in ("solutions", "gallery", "tests", ".git", "katas")]
        paths += [Path(self.s.submissions).resolve(), Path(self.s.out).resolve()]
        if self.tmp is not None:
            paths.append(self.tmp)
        needed = [Path(r) for r in sandbox.runtime_paths()]
        # never cover what the job's Python needs (an OUT or a class folder around the project)
        return [str(p) for p in paths
                if p.is_dir() and not any(p == r or p in r.parents for r in needed)]

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
        if student is not None and module in student.files:
            (folder / "katas" / f"{module}.py").write_bytes(student.files[module])
        for path in [folder, *folder.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        nonce = secrets.token_hex(8)
        return Job(job_id, module, student, folder, canaries, f"r-{secrets.token_hex(6)}.json", nonce)

    def request(self, job: Job) -> dict:
        token = f"{self.run_token}-{job.id}-{job.attempt}"
        return {
            "op": "run",
            "id": job.id,
            "dir": str(job.dir),
            "token": token,
            "limits": self.s.limits.as_dict(),
            "env": self.env,
            "hide": self.hide_list(),
            "plan": {
                "canaries": [c.name for c in job.canaries],
                "order_seed": self.rng.randrange(2**31),
                "nonce": job.nonce,
                "integrity": "out/integrity.json",
                "progress": "out/progress.log",
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
                "--dojo-report", f"out/{job.report}",
                "--lang", self.s.lang,
                "-q", "--color=no", "--tb=short", "-rN",
            ],
        }

    # -- running --

    def start_server(self) -> None:
        self.server = ServerProcess(self.tmp, self.env)

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
            if job.student is not None and event.get("wall"):
                self.walls.setdefault(job.module, []).append(float(event["wall"]))
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
                             "cpu": None, "leftovers": 0,
                             "error": "the grader's server died twice while running it"}
                self.on_done(job)
            else:
                job.attempt += 1
                shutil.rmtree(job.dir / "out", ignore_errors=True)
                pending.insert(0, job)

    # -- judging one job --

    def read_job(self, job: Job) -> dict:
        """What the job left: report, integrity, progress, log excerpt. Capped reads."""
        out = job.dir / "out"

        def read(path: Path, cap: int) -> bytes | None:
            try:
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            except OSError:
                return None
            with os.fdopen(fd, "rb") as handle:
                return handle.read(cap)

        def as_json(raw: bytes | None):
            if raw is None:
                return None
            try:
                return json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                return "unreadable"

        report = as_json(read(out / job.report, 32 * 2**20))
        integrity = as_json(read(out / "integrity.json", 2**20))
        progress = (read(out / "progress.log", 2**20) or b"").decode("utf-8", "replace")
        last = [line for line in progress.splitlines() if line.strip()]
        cap = self.s.limits.output_kb * 1024
        log = b""
        try:
            size = (job.dir / "log.txt").stat().st_size
            with open(job.dir / "log.txt", "rb") as handle:
                head = handle.read(cap // 2)
                if size > cap:
                    handle.seek(size - cap // 2)
                    log = head + b"\n[... output cut by the grader ...]\n" + handle.read()
                else:
                    log = head + handle.read()
        except OSError:
            pass
        return {
            "report": report,
            "integrity": integrity,
            "last_test": last[-1] if last else None,
            "log": log.decode("utf-8", "replace"),
        }

    def judge(self, job: Job) -> dict:
        """{status, reason, tests: {nodeid: [state, message]}, ...} of one module job."""
        event = job.event or {}
        left = self.read_job(job)
        result = {
            "module": job.module,
            "status": "ok",
            "reason": "",
            "tests": {},
            "wall": event.get("wall"),
            "cpu": event.get("cpu"),
            "peak_rss_mb": event.get("peak_rss_mb"),
            "leftovers": event.get("leftovers", 0),
            "last_test": left["last_test"],
            "log": left["log"],
        }
        status = event.get("status")
        where = f" (in {left['last_test']})" if left["last_test"] else ""
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
            return {**result, "status": "crashed", "reason": event.get("error", "crashed")}
        code, sig = event.get("code"), event.get("signal")
        if sig is not None:
            name = _signame(sig)
            extra = {
                "SIGXCPU": f": more than {lim.cpu_s or int(lim.timeout) + 10} s of CPU time",
                "SIGXFSZ": f": a file larger than {lim.file_mb} MB",
                "SIGSEGV": ": a segmentation fault",
            }.get(name, "")
            return {**result, "status": "crashed", "reason": f"killed by {name}{extra}{where}"}
        report = left["report"]
        if report is None or report == "unreadable" or not isinstance(report, dict):
            what = "no report" if report is None else "an unreadable report"
            return {**result, "status": "crashed",
                    "reason": f"the tests did not finish: the process exited with code {code} "
                              f"and {what}{where}"}
        if code not in (0, 1):
            return {**result, "status": "crashed",
                    "reason": f"pytest stopped early (exit code {code}){where}"}
        tests = final_states(report.get("tests", []))
        result["tests"] = tests
        flags = []
        integrity = left["integrity"]
        if not isinstance(integrity, dict) or integrity.get("nonce") != job.nonce:
            flags.append("the grader's integrity check did not report")
        elif integrity.get("changed"):
            shown = ", ".join(integrity["changed"][:6])
            flags.append(f"the testing machinery changed while the tests ran: {shown}")
        names = {c.name: c for c in job.canaries}
        canary_ids = {}
        for nodeid in tests:
            base = nodeid.split("::")[-1].split("[")[0]
            if base in names:
                canary_ids[base] = nodeid
        for name, c in names.items():
            nodeid = canary_ids.get(name)
            got = tests[nodeid][0] if nodeid else "missing"
            if got != c.expect:
                flags.append("a check whose outcome the grader knows came out wrong")
                break
        if job.student is not None:
            known = set(self.expected[job.module]) | self.expected_skips[job.module]
            extra = [n for n in tests if n not in known and n not in canary_ids.values()]
            if extra:
                flags.append(f"tests the grader did not expect: {', '.join(extra[:3])}")
        if code == 0:
            flags.append("pytest reported success although some checks must fail")
        if result["leftovers"]:
            flags.append(f"{result['leftovers']} process(es) still ran after the tests "
                         f"(they could rewrite the report)")
        if flags:
            return {**result, "status": "flagged", "reason": "; ".join(dict.fromkeys(flags))}
        for nodeid in list(tests):
            if nodeid in canary_ids.values():
                tests.pop(nodeid)
        return result

    # -- calibration --

    def calibrate(self) -> None:
        jobs = [self.make_job(m, None) for m in self.modules]
        problems = []

        def done(job: Job) -> None:
            res = self.judge(job)
            self.calibration[job.module] = {k: res[k] for k in ("status", "reason", "wall")}
            if res["status"] != "ok":
                problems.append(f"{job.module}: {res['status']}: {res['reason']}\n{res['log'][-3000:]}")
            report = self.read_job(job)["report"] or {}
            steps = {r["nodeid"]: r.get("step") for r in report.get("tests", [])}
            expected, skips = {}, set()
            for nodeid, (state, _msg) in res["tests"].items():
                if state == "skipped":
                    skips.add(nodeid)
                else:
                    expected[nodeid] = steps.get(nodeid) or job.module
            self.expected[job.module] = expected
            self.expected_skips[job.module] = skips
            try:
                used = json.loads((job.dir / "out" / "sandbox-used.json").read_text())
                self.calibration["_sandbox"] = {"root": sandbox.is_root(), **used}
            except (OSError, ValueError):
                self.calibration.setdefault("_sandbox", {"root": sandbox.is_root()})
            if not os.environ.get("DOJO_GRADE_KEEP"):
                shutil.rmtree(job.dir, ignore_errors=True)

        self.run_jobs(jobs, done)
        wanted = {s.id for s in self.steps}
        for module in self.modules:
            have = set(self.expected.get(module, {}).values())
            for step in self.catalog.steps_of(module):
                if step.id in wanted and step.id not in have and not problems:
                    problems.append(f"{step.id}: no test of this step ran against an empty target")
        if problems:
            raise GradingError("the pristine tests do not run as expected:\n" + "\n".join(problems))

    def on_done(self, job: Job) -> None:  # set by run_jobs
        raise NotImplementedError

    # -- scores --

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
            if sub.refused:
                status, reason = "refused", sub.refused
            elif res is None:
                status, reason = "crashed", "not graded"
            else:
                status, reason = res["status"], res["reason"]
            for nodeid in ids:
                if status != "ok":
                    state, message = "failing", reason
                else:
                    state, message = res["tests"].get(
                        nodeid, ["failing", "this test did not report a result (a missing "
                                 "result counts as a failure)"])
                    if state == "skipped":
                        state, message = "failing", (
                            "the test skipped itself: tests skip only where the grader "
                            "expects it (a GPU test on a machine without one)")
                if state == "passed":
                    passed += 1
                tests.append({"nodeid": nodeid, "name": nodeid.split("::", 1)[-1],
                              "state": state, "message": message})
            points = round(step.points * passed / len(ids), 4) if ids else 0.0
            total += points
            if status == "ok":
                states = {t["state"] for t in tests}
                if step.module not in sub.files:
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


def final_states(records: list[dict]) -> dict[str, list]:
    """nodeid -> [state, message]: passed only if the call passed and no phase failed."""
    final: dict[str, list] = {}
    for record in records:
        nodeid = record.get("nodeid")
        state = record.get("state")
        if not isinstance(nodeid, str) or not isinstance(state, str):
            continue
        prev = final.get(nodeid)
        if state == "passed":
            if prev is None:
                final[nodeid] = ["passed", None]
        elif prev is None or prev[0] in ("passed", "skipped"):
            final[nodeid] = [state, record.get("message")]
    return final


def _signame(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"
