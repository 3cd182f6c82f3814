"""`dojo grade`: the grading process. It never imports a submission's code.

1. Find the submissions and read their allow-listed kata files (bytes only).
2. Import every kata module's pristine tests here: each test is a claim (dojo/spec.py), an
   observer and a judge. Draw this run's cases for every observer from the run's seed.
3. Start the fork server (`python -I`, scrubbed environment) that imports torch once.
4. Calibrate: the observers run on the reference (where this machine has it) in the sandbox,
   and every claim must pass here on what they saw.
5. For each submission and kata module: a fresh job folder that receives only the pristine test
   module and the one kata file; the server forks a job process, which runs the observers on
   the submission and sends what they saw, case by case, on a pipe the server owns.
6. Judge every claim here, in this process, from those observations alone: no verdict of the
   job is ever read (a job's records carry data, not outcomes). Never from its output, never
   from a file it could write. Write OUT.
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
import pytest

from dojo import budget as budgets
from dojo import diagnose, i18n, irregular, spec, testing
from dojo.catalog import Catalog, Step, load
from dojo.grade import sandbox, scan
from dojo.grade.sandbox import Limits
from dojo.grade.submissions import Submission

GRADER_VERSION = "3"
REFUSED = "import refused: "  # what observe_job.guard_imports records in a record's "c"
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
        **({"DOJO_GRADE_NO_SECCOMP": "1"} if os.environ.get("DOJO_GRADE_NO_SECCOMP") == "1"
           else {}),
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
            sandbox.kill_uid(sandbox.uid_base(run_token) + slot, forget=True)
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
    attempt: int = 0
    event: dict | None = None
    null: str | None = None  # calibration with an answer that computes nothing (its label)


def tests_hash(project: Path, modules: list[str], catalog: Catalog) -> str:
    digest = hashlib.sha256(f"grader {GRADER_VERSION}".encode())
    for path in support_files(project) + [project / "tests" / f"test_{m}.py" for m in modules]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for step in catalog.steps:
        digest.update(f"{step.id}:{step.module}:{step.points}".encode())
    for helper in (spec, irregular, diagnose, testing):  # what the judges run
        digest.update(Path(helper.__file__).read_bytes())
    return digest.hexdigest()[:16]


def support_files(project: Path) -> list[Path]:
    """The files of tests/ that every kata's tests may need (helpers, data), not other tests."""
    tests = project / "tests"
    return sorted(
        p for p in tests.iterdir()
        if p.is_file() and not p.name.startswith("test_") and p.suffix in (".py", ".json", ".txt", ".csv")
    )


def reference_source(project: Path, module: str, packaged: Path | None = None) -> str | None:
    """The reference answer of a kata module: `solutions/<module>.py` of the project, else the
    package's `dojo/data/reference-answers/solutions.json` ({module: source}), else None."""
    path = Path(project) / "solutions" / f"{module}.py"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    try:
        found = json.loads((packaged or PACKAGED_ANSWERS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = found.get(module) if isinstance(found, dict) else None
    return value if isinstance(value, str) else None


class References:
    """The reference answers' sources, for calibration and the copying section."""

    def __init__(self, project: Path, packaged: Path | None = None):
        self.project, self.packaged = Path(project), packaged
        self._found: dict[str, str | None] = {}

    def source(self, module: str) -> str | None:
        if module not in self._found:
            self._found[module] = reference_source(self.project, module, self.packaged)
        return self._found[module]


PACKAGED_ANSWERS = Path(dojo.__file__).resolve().parent / "data" / "reference-answers" / \
    "solutions.json"


def draw_cases(obs: spec.Observer, rng: random.Random) -> list[dict]:
    """The cases a run gives an observer: its examples as written, each example that has a
    seed once more with a seed of the run's own, and `obs.draws` cases drawn from its strategy
    with the run's seed (none of which a submission can know before the run). Every "seed" of
    an example is drawn anew, at any depth (a tensor description's own seed too)."""
    cases = [dict(c) for c in obs.examples]
    cases += [spec.reseeded(c, rng) for c in obs.examples if "seed" in c]
    if obs.draw is not None and obs.draws:
        cases += spec.draw_from(obs.draw, rng.randrange(2**31), obs.draws)
    unique, seen = [], set()
    for case in cases:
        key = spec.dumps(case)
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return unique


# --- answers that compute nothing -------------------------------------------------------------

NULL_BODIES = {
    "returns None": "return None",
    "raises": "raise RuntimeError('this answer computes nothing')",
    "returns its first argument": None,
}


def null_answers(stub: str) -> dict[str, str]:
    """Answers that compute nothing, made from a kata's stub: every function or method whose body
    raises NotImplementedError instead returns None, raises a RuntimeError, or hands back its
    first argument as it came (the stub itself, which raises NotImplementedError, is "not
    started" and scores nothing already). A claim that
    such an answer passes checks something an empty answer also has (x left untouched, the grad
    mode as it was): a guard, which earns its share only in proportion to the kata's other
    claims passed (`Grader.score`)."""
    import ast

    def not_implemented(node) -> bool:
        exc = getattr(node, "exc", None)
        exc = exc.func if isinstance(exc, ast.Call) else exc
        return isinstance(node, ast.Raise) and isinstance(exc, ast.Name) \
            and exc.id == "NotImplementedError"

    def own_statements(fn):
        """The function's statements, not those of functions or classes defined inside it."""
        todo = list(fn.body)
        while todo:
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            yield node
            todo.extend(ast.iter_child_nodes(node))

    out = {}
    for label, body in NULL_BODIES.items():
        try:
            tree = ast.parse(stub)
        except SyntaxError:
            return {}
        changed = False
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    not_implemented(n) for n in own_statements(fn)):
                doc = fn.body[:1] if (fn.body and isinstance(fn.body[0], ast.Expr) and isinstance(
                    getattr(fn.body[0], "value", None), ast.Constant)) else []
                if body is None:  # hands back its first argument as it came
                    names = [a.arg for a in fn.args.posonlyargs + fn.args.args
                             if a.arg not in ("self", "cls")]
                    statement = f"return {names[0]}" if names else "return None"
                else:
                    statement = body
                fn.body = doc + ast.parse(statement).body
                changed = True
        if changed:
            out[label] = ast.unparse(tree)
    return out


def share(passed_working: int, working: int, passed_guards: int, guards: int) -> float:
    """The fraction of a step's points: each claim counts one, a guard's count scaled by the
    fraction of the working claims passed (an answer that computes nothing earns nothing from
    the claims it passes by doing nothing)."""
    if working == 0:
        return (passed_guards / guards) if guards else 0.0
    return (passed_working + passed_guards * passed_working / working) / (working + guards)


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
        # the seed of this run's cases (recorded in grading.json; --seed repeats a run)
        self.seed = settings.seed if settings.seed is not None else secrets.randbits(32)
        self.run_token = secrets.token_hex(6)
        self.tests_hash = tests_hash(self.project, self.modules, self.catalog)
        self.refs = References(self.project)
        self.gpu = _has_cuda()
        self.specs: dict[str, object] = {}  # module -> its test module, imported here
        self.claims: dict[str, list[spec.Claim]] = {}  # module -> the claims that count
        self.expected: dict[str, dict[str, str]] = {}  # module -> {nodeid: step}
        self.plans: dict[str, list[dict]] = {}  # module -> [{id, cases}] of this run
        for module in self.modules:
            self._load_spec(module)
        self.calibration: dict[str, dict] = {}
        # module -> the nodeids an answer that computes nothing passes in this run (guards)
        self.guards: dict[str, set[str]] = {}
        self.null_sources: dict[str, dict[str, str]] = {}
        self.counter = 0
        self.walls: dict[str, list[float]] = {}  # module -> wall times of its jobs so far
        self.server: ServerProcess | None = None
        self.tmp: Path | None = None
        self.env = scrubbed_env(settings.lang)

    def _load_spec(self, module: str) -> None:
        """The module's claims, imported in this process from the project's pristine tests, and
        this run's cases for each of its observers."""
        path = self.project / "tests" / f"test_{module}.py"
        try:
            loaded = import_spec(path, f"_dojo_grading_spec_{module}")
        except Exception as err:  # noqa: BLE001
            raise GradingError(f"{path} does not import in the grading process: "
                               f"{type(err).__name__}: {err}") from None
        claims = spec.claims_of(loaded)
        plain = [name for name, value in vars(loaded).items()
                 if name.startswith("test") and callable(value)
                 and getattr(value, "dojo_claim", None) is None]
        if plain or not claims:
            raise GradingError(
                f"{path}: every kata test must be a claim (dojo/spec.py) for the grader to judge "
                f"it in its own process; not claims: {', '.join(plain) or 'no test at all'}")
        step_of = {s.id for s in self.catalog.steps_of(module)}
        counted = []
        for c in claims:
            marks = set(c.marks)
            if "gpu" in marks and not self.gpu:
                continue  # a GPU test on a machine without one is left out of the count
            step = next((m.split(":", 1)[1] for m in c.marks if m.startswith("step:")), module)
            if step not in step_of:
                raise GradingError(f"{path}::{c.name} is marked for step {step!r}, which is "
                                   f"not a step of {module}")
            counted.append(c)
            self.expected.setdefault(module, {})[f"tests/test_{module}.py::{c.name}"] = step
        self.specs[module] = loaded
        self.claims[module] = counted
        rng = random.Random(f"{self.seed}:{module}")
        observers = list(dict.fromkeys(c.observer.id for c in counted))
        by_id = {c.observer.id: c.observer for c in counted}
        self.plans[module] = [{"id": o, "cases": draw_cases(by_id[o], rng)} for o in observers]

    # -- job folders --

    def make_job(self, module: str, student: Submission | None, null: str | None = None) -> Job:
        self.counter += 1
        job_id = f"j{self.counter}"
        folder = self.tmp / "jobs" / job_id
        (folder / "tests").mkdir(parents=True)
        (folder / "katas").mkdir()
        test_file = self.project / "tests" / f"test_{module}.py"
        # the job gets the observers and what they use, never the judges
        (folder / "tests" / test_file.name).write_text(
            spec.observers_only(test_file.read_text(encoding="utf-8")), encoding="utf-8")
        for path in support_files(self.project):
            shutil.copyfile(path, folder / "tests" / path.name)
        if not (folder / "tests" / "__init__.py").exists():
            (folder / "tests" / "__init__.py").write_text("")
        kata_file = folder / "katas" / f"{module}.py"
        if student is not None and module in student.files:
            kata_file.write_bytes(student.files[module])
        elif null is not None:
            kata_file.write_text(self.null_sources[module][null], encoding="utf-8")
        elif student is None and self.refs.source(module) is not None:
            kata_file.write_text(self.refs.source(module), encoding="utf-8")
        for path in [folder, *folder.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        return Job(job_id, module, student, folder, null=null)

    def budget(self, module: str) -> float:
        """Seconds each case may run in a job: the slowest budget of the module's steps."""
        slow = any("slow" in c.marks for c in self.claims[module])
        found = [s.budget_for(slow=slow) for s in self.catalog.steps_of(module)]
        return float(max([f for f in found if f] or [10.0])) * budgets.scale()

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
                "observations": self.plans[job.module],
                "budget": self.budget(job.module),
                "lang": self.s.lang,
            },
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
        """{status, reason, tests: {nodeid: [state, message]}, ...} of one job. An error here
        costs this job (crashed), never the run."""
        try:
            result = self._judge(job)
        except Exception as err:  # noqa: BLE001
            event = job.event if isinstance(job.event, dict) else {}
            result = {"module": job.module, "status": "crashed",
                      "reason": f"the grader could not judge it ({type(err).__name__}: {err})"[:500],
                      "tests": {}, "wall": None, "cpu": None, "peak_rss_mb": None,
                      "leftovers": 0, "last_test": None, "log": _text(event.get("log"), 70000)}
        return self.flag_imports(job, result)

    def flag_imports(self, job: Job, result: dict) -> dict:
        """The kata file imports the project's own code (found in its text here, by
        `dojo.grade.scan`, or refused in the job): its answers would not be its own. Flagged,
        whatever else the job did."""
        source = job.student.files.get(job.module) if job.student is not None else None
        found = scan.project_imports(source) if source else []
        refused = result.pop("imports_refused", [])
        if not found and not refused:
            return result
        why = [f"the kata file imports the project's own code ({', '.join(found[:4])})"] \
            if found else []
        if refused:
            why.append(f"the job refused imports of the project's own code: "
                       f"{'; '.join(r.removeprefix(REFUSED) for r in refused[:3])}")
        if result["status"] == "flagged":
            why.append(result["reason"])
        elif result["status"] != "ok":
            why.append(f"and it {result['status']}: {result['reason']}")
        return {**result, "status": "flagged", "flag": "imports",
                "reason": "; ".join(dict.fromkeys(why))[:1500]}

    def _judge(self, job: Job) -> dict:
        event = job.event if isinstance(job.event, dict) else {}
        records = event.get("records")
        records = [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []
        plan = self.plans[job.module]
        starts = [r for r in records if r.get("k") == "start"]
        last = None
        if starts and isinstance(starts[-1].get("o"), str):
            last = f"{starts[-1]['o']}, case {starts[-1].get('i')}"
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
            # the imports the job refused (observe_job.guard_imports): their own flag
            "imports_refused": list(dict.fromkeys(
                c for r in records if isinstance(r.get("c"), list) for c in r["c"]
                if isinstance(c, str) and c.startswith(REFUSED))),
        }
        status = event.get("status")
        where = f" (observing {last})" if last else ""
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
        if code != 0:
            return {**result, "status": "crashed",
                    "reason": f"the observations did not finish (exit code {code}){where}"}
        if not any(r.get("k") == "end" for r in records):
            return {**result, "status": "crashed",
                    "reason": f"the observations did not finish: the process exited before "
                              f"the end{where}"}
        wanted = {(entry["id"], i) for entry in plan for i in range(len(entry["cases"]))}
        seen: dict[tuple[str, int], dict] = {}
        changed: list[str] = []
        duplicates, unknown = [], []
        for record in records:
            changed += [c for c in record.get("c") or [] if isinstance(c, str)
                        and not c.startswith(REFUSED)]
            if record.get("k") not in ("obs", "raised"):
                continue
            key = (record.get("o"), record.get("i"))
            if key not in wanted:
                unknown.append(f"{key[0]}[{key[1]}]")
            elif key in seen:
                duplicates.append(f"{key[0]}[{key[1]}]")
            else:
                seen[key] = record
        result["tests"] = self.verdicts(job.module, seen)
        flags = []
        if changed:
            flags.append("the observing machinery changed while the submission ran: "
                         + ", ".join(list(dict.fromkeys(changed))[:6]))
        if unknown:
            flags.append(f"observations the grader did not ask for: {', '.join(unknown[:3])}")
        if duplicates:
            flags.append(f"two observations of one case: {', '.join(duplicates[:3])}")
        channel = event.get("channel") if isinstance(event.get("channel"), dict) else {}
        if channel.get("malformed") or channel.get("overflow"):
            flags.append("the job wrote data of the wrong shape or size to the grader's channel")
        if not isinstance(event.get("sandbox"), dict):
            flags.append("the job's sandbox did not report")
        if result["leftovers"]:
            flags.append(f"{result['leftovers']} process(es) still ran after the observations "
                         f"(they could have sent observations for it)")
        if flags:
            return {**result, "status": "flagged", "reason": "; ".join(dict.fromkeys(flags))}
        return result

    def verdicts(self, module: str, seen: dict) -> dict[str, list]:
        """Every claim of the module judged here, in this process, from the observations:
        {nodeid: [state, message]}. A claim passes when its judge accepts every case."""
        i18n.set_lang(self.s.lang)
        plan = {entry["id"]: entry["cases"] for entry in self.plans[module]}
        out: dict[str, list] = {}
        for c in self.claims[module]:
            nodeid = f"tests/test_{module}.py::{c.name}"
            state, message = "passed", None
            for index, case in enumerate(plan[c.observer.id]):
                record = seen.get((c.observer.id, index))
                state, message = judge_case(c, case, record)
                if state != "passed":
                    break
            out[nodeid] = [state, message]
        return out

    # -- calibration --

    def calibrate(self) -> None:
        """Every kata module's claims against the reference (where this machine has it) in the
        sandbox, with this run's cases: each must pass, or nobody is graded."""
        from dojo import stubs

        pristine = stubs.pristine("en")
        jobs = [self.make_job(m, None) for m in self.modules]
        for m in self.modules:
            self.guards[m] = set()
            self.null_sources[m] = null_answers(pristine.get(m, ""))
            jobs += [self.make_job(m, None, null=label) for label in self.null_sources[m]]
        problems = []

        def done(job: Job) -> None:
            res = self.judge(job)
            if job.null is not None:  # which claims an answer that computes nothing passes
                self.calibration.setdefault("_null", {})[f"{job.module}: {job.null}"] = {
                    k: res[k] for k in ("status", "reason", "wall")}
                if res["status"] == "ok":
                    self.guards[job.module] |= {n for n, (state, _) in res["tests"].items()
                                                if state == "passed"}
                if not os.environ.get("DOJO_GRADE_KEEP"):
                    shutil.rmtree(job.dir, ignore_errors=True)
                return
            self.calibration[job.module] = {k: res[k] for k in ("status", "reason", "wall")}
            if res["status"] != "ok":
                problems.append(f"{job.module}: {res['status']}: {res['reason']}\n"
                                f"{(res['log'] or '')[-3000:]}")
            elif self.refs.source(job.module) is not None:
                for nodeid, (state, message) in res["tests"].items():
                    if state != "passed":
                        problems.append(f"{job.module}: the reference fails {nodeid} in the "
                                        f"sandbox: {message}")
                        break
            event = job.event or {}
            sandbox_used = event.get("sandbox")
            if isinstance(sandbox_used, dict):
                self.calibration["_sandbox"] = {"root": sandbox.is_root(), **sandbox_used,
                                                **(self.server.info.get("sandbox") or {})}
            if not os.environ.get("DOJO_GRADE_KEEP"):
                shutil.rmtree(job.dir, ignore_errors=True)

        self.run_jobs(jobs, done)
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
            ids = [n for n, s in self.expected.get(step.module, {}).items() if s == step.id]
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
            for nodeid in ids:
                if status != "ok":
                    state, message = "failing", reason
                elif not handed_in:
                    state, message = "failing", f"katas/{step.module}.py was not handed in"
                else:
                    state, message = res["tests"].get(
                        nodeid, ["failing", "this claim was not judged (a missing judgement "
                                 "counts as a failure)"])
                if state == "passed":
                    passed += 1
                tests.append({"nodeid": nodeid, "name": nodeid.split("::", 1)[-1],
                              "state": state, "message": message})
            guards = self.guards.get(step.module, set())
            working = [n for n in ids if n not in guards]
            passed_working = sum(1 for t in tests if t["state"] == "passed"
                                 and t["nodeid"] not in guards)
            for t in tests:
                t["guard"] = t["nodeid"] in guards
            points = round(step.points * share(passed_working, len(working), passed - passed_working,
                                               len(ids) - len(working)), 4) if ids else 0.0
            total += points
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
                "flag": (res or {}).get("flag") or ("integrity" if status == "flagged" else None),
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


def judge_case(c: spec.Claim, case: dict, record: dict | None) -> tuple[str, str | None]:
    """(state, message) of one case of one claim, from the job's record of it, judged here."""
    if record is None:
        return "failing", ("no observation of this case came back (the job ended before it, "
                           "or its code was stopped)")
    if record.get("k") == "raised":
        state = record.get("s")
        state = state if state in ("failing", "not started", "broken", "timeout") else "failing"
        return state, _text(record.get("m"), 4000) or "the code raised an exception"
    try:
        seen = spec.decode(record.get("d"))
    except (spec.Malformed, RecursionError, TypeError, ValueError) as err:
        return "failing", f"what the code produced could not be read ({err})"[:500]
    try:
        c.judge(spec.Case(case), seen)
    except pytest.fail.Exception as err:
        return "failing", str(err.msg)[:4000]
    except pytest.skip.Exception:
        return "failing", "the claim skipped itself on this machine"
    except MemoryError:
        return "failing", "what the code produced was too large to judge"
    except Exception as err:  # noqa: BLE001 - data no right answer produces: a failure
        return "failing", (f"what the code produced is not what this check can read "
                           f"({type(err).__name__}: {err})")[:1000]
    return "passed", None


def import_spec(path: Path, name: str):
    """A test module imported in the grading process (the project's own, pristine code)."""
    import importlib.util

    name = f"{name}_{hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]}"
    if name in sys.modules:
        return sys.modules[name]
    loader = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(loader)
    sys.modules[name] = module
    try:
        loader.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _has_cuda() -> bool:
    try:
        import torch

        return bool(torch.cuda.is_available())
    except Exception:  # noqa: BLE001
        return False


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
