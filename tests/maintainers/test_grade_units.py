"""The grader's pieces, in this process (no grading run, no new interpreter): every kata's claims
observed by the job's runner and judged as the grading process judges them (the reference passes,
the stub does not), the judging of odd, forged and missing observations, what the server accepts
from a job's pipes, /proc read as bytes, removing what a job left, the copying section. The
end-to-end proofs are in test_grade.py."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import sys
import time
import types
from pathlib import Path

import pytest

from dojo import gallery, spec, stubs
from dojo.catalog import load
from dojo.grade import core, observe_job, sandbox, server, similarity
from dojo.grade.submissions import Submission

ROOT = Path(__file__).resolve().parents[2]


def module_from(source: str, name: str):
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)  # noqa: S102 - the project's own code
    return module


# --- claims: observed in a job, judged here ---------------------------------------------------

KATA = "inplace_update"
T = f"tests/test_{KATA}.py::"


def observe_in_process(module: str, source: str, tmp_path: Path, grader: core.Grader) -> list:
    """What a job of `module` sends for `source` (the job's runner, in this process, without
    the sandbox): the records, as the server would check them."""
    job = tmp_path / f"job-{module}"
    (job / "tests").mkdir(parents=True)
    (job / "katas").mkdir()
    tests = (ROOT / "tests" / f"test_{module}.py").read_text(encoding="utf-8")
    (job / "tests" / f"test_{module}.py").write_text(spec.observers_only(tests),
                                                      encoding="utf-8")
    (job / "katas" / f"{module}.py").write_text(source, encoding="utf-8")
    import torch._dynamo  # noqa: F401 - the server imports it before any job (it rebinds manual_seed)

    r, w = os.pipe()
    plan = {"module": module, "observations": grader.plans[module], "budget": 30.0}
    sys.modules.pop(f"_dojo_target_{module}", None)
    chunks = []
    import threading

    def drain():
        while True:
            chunk = os.read(r, 1 << 16)
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        observe_job.run(plan, w, job)
    finally:
        os.close(w)
        reader.join()
        os.close(r)
        sys.modules.pop(observe_job.TEST_MODULE, None)
    lines = b"".join(chunks).decode().splitlines()
    return [server.check_record(json.loads(line)) for line in lines]


def a_grader(tmp_path, katas=(KATA,), seed=1) -> core.Grader:
    grader = core.Grader(core.Settings(submissions=tmp_path, out=tmp_path, project=ROOT,
                                       katas=list(katas), seed=seed))
    grader.tmp = tmp_path
    (tmp_path / "jobs").mkdir(parents=True, exist_ok=True)
    return grader


def event(records: list, **extra) -> dict:
    return {"status": "exited", "code": 0, "signal": None, "wall": 1.0, "cpu": 1.0,
            "leftovers": 0, "sandbox": {"k": "sandbox"}, "channel": {}, "log": "",
            "records": [*records, {"k": "end", "c": []}], **extra}


def judged(grader, records, **extra) -> dict:
    job = core.Job("j1", KATA, Submission("s", Path(".")), Path("."))
    job.event = event(records, **extra)
    return grader.judge(job)


@pytest.mark.parametrize("module", load().modules())
def test_a_jobs_observations_of_the_reference_pass_and_of_the_stub_fail_here(module, tmp_path):
    """The grader's path, in process: the job's runner observes every claim of the kata on this
    run's cases (examples, re-seeded examples, drawn cases) and the grading process judges them.
    The reference passes every claim, the stub none, each "not started": the grader says what
    the learner's pytest says."""
    grader = a_grader(tmp_path, katas=[module], seed=7)
    reference = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
    records = [r for r in observe_in_process(module, reference, tmp_path / "ref", grader)]
    assert None not in records
    res = judged_module(grader, module, records)
    assert res["status"] == "ok", res
    failing = {n: v for n, v in res["tests"].items() if v[0] != "passed"}
    assert not failing, failing
    assert set(res["tests"]) == set(grader.expected[module])
    stub = stubs.pristine()[module]
    res = judged_module(grader, module, observe_in_process(module, stub, tmp_path / "stub", grader))
    assert {v[0] for v in res["tests"].values()} == {"not started"}, res["tests"]


RIGHT = gallery.right_answers(ROOT)


@pytest.mark.parametrize("entry", RIGHT, ids=[f"{e.kata}/right/{e.name}" for e in RIGHT])
def test_an_unusual_right_answer_passes_every_claim_as_the_grader_judges_it(entry, tmp_path):
    """The grader's path for the right answers of the gallery (examiners' unusual styles, the
    articles' own code): every claim passes on this run's cases, nothing is flagged."""
    grader = a_grader(tmp_path, katas=[entry.kata], seed=11)
    source = entry.path.read_text(encoding="utf-8")
    res = judged_module(grader, entry.kata, observe_in_process(entry.kata, source, tmp_path, grader))
    assert res["status"] == "ok", res
    failing = {n: v for n, v in res["tests"].items() if v[0] != "passed"}
    assert not failing, failing


# --- what the observers reach: rebound, added, deleted, written and put back -------------------

HOSTILE = Path(__file__).resolve().parent / "hostile"
RIGHT_SGD = (ROOT / "solutions" / f"{KATA}.py").read_text(encoding="utf-8")
REACH = "import sys\n\ndef _g():\n    return sys._getframe(2).f_globals\n\n"
REACHED = {  # a learner's file -> what the flag must name (all of it, in its words)
    # tests/maintainers/hostile/*.py (graded in the sandbox too, by test_grade.py)
    "observer_torch_proxy": ["tests.torch"],
    "observer_global_put_back": ["tests (written)"],
    "helper_module_rebound": ["dojo.irregular.tensor"],
    "observer_code_swapped": ["tests.handed() (its code, defaults or attributes)",
                              "tests.handed.__code__ set (audit)"],
    "observer_global_deleted": ["tests.KATA"],
    "observer_registry_replaced": ["observer one_sgd_step"],
    # more of the kind, inline: the right answer with a reach of its own in sgd_step
    "a global added that shadows a builtin": (
        "_g().setdefault('isinstance', isinstance)", ["tests.isinstance (added)"]),
    "a builder's defaults set": (
        "f = _g()['tensor_item']; f.__defaults__ = (False,)",
        ["tests.tensor_item() (its code, defaults or attributes)",
         "tests.tensor_item.__defaults__ set (audit)"]),
    "a diagnose helper rebound": (
        "d = _g()['diagnose']; d.ratio = (lambda f: lambda *a, **k: f(*a, **k))(d.ratio)",
        ["dojo.diagnose.ratio"]),
    "an attribute of torch rebound through the observer": (
        "t = _g()['torch']; t.zeros_like = t.zeros_like.__call__",
        ["torch.zeros_like"]),
    "dojo.spec's encoder written and put back": (
        "m = sys.modules[_g()['observe'].__module__]; e = m.encode; m.encode = None; "
        "m.encode = e", ["dojo.spec (written)"]),
    "a method of a project class rebound": (
        "S = _g()['Seen']; S.__repr__ = lambda self, f=S.__repr__: f(self)",
        ["dojo.spec.Seen.__repr__"]),
    "the observer's dojo_observer replaced": (
        "import copy; f = _g()['one_sgd_step']; f.dojo_observer = copy.copy(f.dojo_observer)",
        ["tests.one_sgd_step.__dict__", "observer one_sgd_step"]),
}


def reached_source(name: str) -> str:
    entry = REACHED[name]
    if isinstance(entry, list):
        return (HOSTILE / f"{name}.py").read_text(encoding="utf-8")
    line = entry[0]
    return REACH + RIGHT_SGD.replace("    with torch.no_grad():\n        for param in params:",
                                     f"    {line}\n    with torch.no_grad():\n"
                                     f"        for param in params:", 1)


@pytest.mark.parametrize("name", REACHED)
def test_whatever_the_observers_reach_that_the_kata_changes_is_flagged(name, tmp_path):
    """The right answer with a reach into what the observers run: a global of their module
    rebound, added, deleted or written and put back before the case ends; a function of the
    project's helper modules, of torch or a method of a project class rebound; a builder's
    `__code__` or `__defaults__` set; the observer registry changed. Each is flagged, with
    what changed in its words (the right answer alone is not: the first test of this file)."""
    entry = REACHED[name]
    wants = entry if isinstance(entry, list) else entry[1]
    source = reached_source(name)
    assert "_g()" in source or not isinstance(entry, tuple), "the reach was not written in"
    grader = a_grader(tmp_path, katas=[KATA], seed=5)
    res = judged_module(grader, KATA, observe_in_process(KATA, source, tmp_path, grader))
    assert res["status"] == "flagged", res
    for want in wants:
        assert want in res["reason"], (want, res["reason"])


def test_the_snapshot_of_what_the_observers_reach_costs_a_few_ms_per_case(tmp_path):
    """What a case pays for the snapshot, on the biggest module of observers (mnist's): the
    figure docs/grading.md gives is measured here (median of 30, a loaded machine allowed 10 ms).
    The right answer's own writes are not changes: the snapshot taken twice reads the same."""
    job = tmp_path / "tests"
    job.mkdir()
    path = job / "test_mnist.py"
    path.write_text(spec.observers_only((ROOT / "tests" / "test_mnist.py").read_text("utf-8")),
                    encoding="utf-8")
    module = observe_job.import_spec(path)
    try:
        watch = observe_job.Watch(module, spec.observers_of(module))
        first = watch.take()
        times = []
        for _ in range(30):
            start = time.perf_counter()
            observe_job.take(module)
            now = watch.take()
            times.append(time.perf_counter() - start)
        assert watch.diff(first, now) == []
        assert "tests" in watch.project and "dojo.spec" in watch.project
        assert {"torch", "torch.nn"} <= set(watch.others)
        median = sorted(times)[len(times) // 2]
        print(f"snapshot per case: {median * 1e3:.2f} ms (median of 30)")
        assert median < 0.010, median
    finally:
        sys.modules.pop(observe_job.TEST_MODULE, None)


def judged_module(grader, module, records) -> dict:
    job = core.Job("j1", module, Submission("s", Path(".")), Path("."))
    job.event = event([r for r in records if r["k"] != "end"])
    return grader.judge(job)


def test_cases_are_drawn_per_run_and_repeat_with_the_seed(tmp_path):
    """Every example runs as written and again with a seed of the run's own, plus drawn cases;
    the same --seed gives the same cases (a regrade gives the same scores), another seed others."""
    one, again, other = (a_grader(tmp_path / str(i), seed=s) for i, s in enumerate((5, 5, 6)))
    assert one.plans == again.plans and one.plans != other.plans
    plan = {e["id"]: e["cases"] for e in one.plans[KATA]}
    observers = {c.observer.id: c.observer for c in one.claims[KATA]}
    for oid, cases in plan.items():
        obs = observers[oid]
        for example in obs.examples:
            assert example in cases
        reseeded = [c for c in cases if c not in obs.examples]
        assert len(reseeded) >= sum("seed" in e for e in obs.examples)


def test_the_verdict_is_judged_here_from_the_observations_alone(tmp_path):
    grader = a_grader(tmp_path)
    reference = (ROOT / "solutions" / f"{KATA}.py").read_text(encoding="utf-8")
    honest = [r for r in observe_in_process(KATA, reference, tmp_path / "ref", grader)
              if r["k"] != "end"]
    res = judged(grader, honest)
    assert res["status"] == "ok" and {v[0] for v in res["tests"].values()} == {"passed"}
    # a record that says "passed" is no record: the server drops it, nothing reads a verdict
    assert server.check_record({"k": "test", "n": T + "a", "s": "passed"}) is None
    assert server.check_record({"k": "obs", "o": "x", "i": 0, "d": [], "s": "passed"}) == \
        {"k": "obs", "o": "x", "i": 0, "d": [], "c": []}
    # an observation changed to what no right answer gives fails its claim, with words
    first = next(r for r in honest if r["k"] == "obs" and r["o"] == "one_sgd_step")
    forged = [{**first, "d": {"$": "dict", "items": [["params", "all right"]], "len": 1}}
              if r is first else r for r in honest]
    res = judged(grader, forged)
    bad = {n: v for n, v in res["tests"].items() if v[0] != "passed"}
    assert res["status"] == "ok" and bad and all(v[0] == "failing" and v[1]
                                                 for v in bad.values()), bad
    # a missing case fails its claims; data that does not decode fails, never raises
    res = judged(grader, [r for r in honest if r is not first])
    assert any("no observation of this case" in (v[1] or "") for v in res["tests"].values())
    res = judged(grader, [{**r, "d": {"$": "tensor", "dtype": "float32", "shape": [2**40, 2**40],
                                      "numel": 1, "values": [1.0]}} if r is first else r
                          for r in honest])
    assert any("could not be read" in (v[1] or "") for v in res["tests"].values()), res
    for why, records, extra in (
        ("two observations of one case", [first, *honest], {}),
        ("did not ask for", [{**first, "o": "nobody"}, *honest], {}),
        ("still ran after", honest, {"leftovers": 2}),
        ("wrong shape or size", honest, {"channel": {"malformed": 1}}),
        ("sandbox did not report", honest, {"sandbox": None}),
        ("machinery changed", [{**r, "c": ["builtins.isinstance"]} if r is first else r
                               for r in honest], {}),
    ):
        res = judged(grader, records, **extra)
        assert res["status"] == "flagged" and why in res["reason"], (why, res)
    # the job never ended (os._exit): no "end" record
    job = core.Job("j1", KATA, Submission("s", Path(".")), Path("."))
    job.event = {**event(honest), "records": honest}
    assert grader.judge(job)["status"] == "crashed"
    # an event of the wrong shape: that job is crashed, nothing raises
    for bad in ({"records": "x", "code": "0", "status": 7, "log": b"\xff"}, None, [1]):
        job.event = bad
        assert grader.judge(job)["status"] == "crashed", bad


def test_calibration_stops_when_the_reference_fails(tmp_path):
    """The reference must pass every claim in the sandbox, or nobody is graded."""
    grader = a_grader(tmp_path)
    grader.server = types.SimpleNamespace(info={})
    reference = (ROOT / "solutions" / f"{KATA}.py").read_text(encoding="utf-8")
    honest = [r for r in observe_in_process(KATA, reference, tmp_path / "ref", grader)
              if r["k"] != "end"]

    def run_jobs(records):
        def run(jobs, done):
            for job in jobs:
                job.event = event(records)
                done(job)
        return run

    grader.run_jobs = run_jobs(honest)
    grader.calibrate()
    first = next(r for r in honest if r["k"] == "obs")
    grader.run_jobs = run_jobs([r for r in honest if r is not first])
    with pytest.raises(core.GradingError, match="the reference fails"):
        grader.calibrate()


# --- what the server accepts from a job -----------------------------------------------------


def test_records_of_the_wrong_shape_are_refused():
    ok = {"k": "obs", "o": "one_sgd_step", "i": 0, "d": {"$": "dict", "items": []}, "c": []}
    assert server.check_record(ok)["d"] == ok["d"]
    for state in ("failing", "not started", "broken", "timeout"):
        raised = {"k": "raised", "o": "x", "i": 1, "s": state, "m": "why"}
        assert server.check_record(raised)["s"] == state
    deep: list = []
    for _ in range(40):
        deep = [deep]
    for bad in ({**ok, "o": ["x"]}, {**ok, "i": "0"}, {**ok, "i": True}, {**ok, "i": -1},
                {**ok, "k": "verdict"}, [ok], "passed", None, {**ok, "o": "x" * 300},
                {**ok, "d": deep}, {**ok, "d": {1: 2}}, {"k": "raised", "o": "x", "i": 0,
                                                         "s": "passed", "m": ""}):
        assert server.check_record(bad) is None, bad
    assert server.check_record({**ok, "c": [[1], "x" * 999] * 80})["c"] == ["x" * 300] * 25


def test_a_second_look_at_a_runs_cgroup_v2_folder_keeps_it(tmp_path, monkeypatch):
    """The sweep, or a server restarted with the run's token, builds Cgroups again while the
    run's folder is still there: it must take the folder over (and so be able to remove it),
    not lose every controller to "File exists". A cgroup v2 tree faked in a folder."""
    (tmp_path / "cgroup.controllers").write_text("cpu pids memory\n")
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / "cgroup.subtree_control").write_text("cpu pids memory\n")
    monkeypatch.setattr(sandbox, "is_root", lambda: True)
    monkeypatch.delenv("DOJO_GRADE_NO_CGROUPS", raising=False)
    monkeypatch.setattr(sandbox.Cgroups, "V2", str(tmp_path))
    monkeypatch.setattr(sandbox.Cgroups, "_own", lambda self: {"": "/grader"})
    first = sandbox.Cgroups("tok")
    run = str(tmp_path / "grader" / "dojo-grade-tok")
    assert first.version == 2 and set(first.roots.values()) == {run}, vars(first)
    again = sandbox.Cgroups("tok")
    assert again.version == 2 and again.roots == first.roots and not again.missing, vars(again)


def test_the_pipes_keep_caps_whatever_arrives():
    r, w = os.pipe()
    pipe = server.Pipe(r, cap=server.LINE_CAP + 300_000)

    def send(data: bytes) -> None:  # a pipe holds 64 KiB: feed as it fills
        for start in range(0, len(data), 32768):
            os.write(w, data[start:start + 32768])
            pipe.feed_lines()

    send(b"[" * (server.LINE_CAP + 1) + b"\n" + b'{"k": "start", "n": "a"}\n' + b"\xff\xfe\n")
    assert pipe.long_lines == 1 and len(pipe.lines) == 2
    send(b"y" * 300_000)
    assert pipe.overflow
    os.close(w)
    pipe.feed_lines()
    assert not pipe.open
    r, w = os.pipe()
    out = server.Output(r, cap=1000)
    os.write(w, b"a" * 600 + b"\xff" * 10 + b"z" * 60000)
    os.close(w)
    out.feed()
    out.feed()
    assert not out.open
    text = out.text()
    assert text.startswith("a" * 500) and text.endswith("z" * 500) and "cut by the grader" in text


def test_proc_is_read_as_bytes_whatever_a_process_calls_itself():
    pid = os.fork()
    if pid == 0:
        ctypes.CDLL(None).prctl(15, b"\xff\xfe)(\x80 x", 0, 0, 0)  # PR_SET_NAME
        time.sleep(5)
        os._exit(0)
    try:
        time.sleep(0.2)
        table = sandbox.processes()
        assert pid in table and table[pid].ppid == os.getpid()
        assert sandbox.start_time(pid) > 0 and sandbox._state(pid) in ("S", "R")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def test_a_job_is_not_charged_for_the_memory_it_shares_with_the_fork_server():
    """Forks of a process that holds torch (as every job is a fork of the server) share its
    pages: the watchdog counts what each added (8 MB each here), not a share of torch's
    memory per process (PSS would charge eight forks most of this process's resident set)."""
    import torch  # noqa: F401 - what the fork server holds

    children = []
    for _ in range(8):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                own = bytearray(os.urandom(1024)) * (8 * 1024)  # 8 MB of its own
                os.write(w, b"x")
                time.sleep(30)
            finally:
                os._exit(0)
        os.close(w)
        os.read(r, 1)
        os.close(r)
        children.append(pid)
    try:
        table = sandbox.processes()
        rss = sum(table[p].rss_kb for p in children)
        used = sandbox.memory_kb(set(children), table, limit_kb=0)
        assert 8 * 8 * 1024 <= used < 8 * 24 * 1024, (used, rss)
        assert rss > 4 * used, (used, rss)  # what PSS or RSS would have counted
    finally:
        for pid in children:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


@pytest.fixture
def scratch(tmp_path):
    """A folder on a tmpfs where there is one (the test makes and removes a thousand folders:
    milliseconds there, seconds on a loaded disk)."""
    if os.access("/dev/shm", os.W_OK):
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="dojo-grade-test-", dir="/dev/shm"))
        yield folder
        core.remove_tree(folder)
    else:
        yield tmp_path


def test_what_a_job_leaves_is_removed_whatever_it_is(scratch):
    """FIFOs, links, names that are not UTF-8, an unreadable folder, and folders deeper than
    Python's recursion limit whose path is longer than PATH_MAX."""
    tmp_path = scratch
    top = tmp_path / "job"
    deep = top / "home"
    deep.mkdir(parents=True)
    os.mkfifo(top / "progress.log")
    (top / "report.json").symlink_to("/dev/zero")
    (top / "out").symlink_to(tmp_path)  # never followed
    os.mkdir(os.fsencode(top) + b"/\xff\xfe")
    (top / "locked").mkdir(mode=0o000)
    fd = os.open(deep, os.O_RDONLY)
    try:
        for _ in range(1100):  # 1100 levels (recursion limit 1000), 5500 bytes (PATH_MAX 4096)
            os.mkdir("dddd", dir_fd=fd)
            new = os.open("dddd", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        os.mkfifo("fifo", dir_fd=fd)
    finally:
        os.close(fd)
    core.remove_tree(top)
    assert not top.exists()
    assert tmp_path.is_dir()


def test_the_package_answers_and_anything_named_solutions_are_covered(tmp_path):
    """What the minimal root covers inside the bound runtime, on a package laid out as an
    installed one will be (the reference answers at data/reference-answers/solutions.json),
    whether or not this checkout has that file: the grader reads the answers from there, and
    the job gets an empty folder in its place. (test_grade.py's hostile class grades from such a
    package and proves that a job cannot read it.)"""
    site = tmp_path / "site-packages"
    package = site / "dojo"
    answers = package / "data" / "reference-answers" / "solutions.json"
    answers.parent.mkdir(parents=True)
    answers.write_text(json.dumps({"inplace_update": "def sgd_step(params, lr): ..."}))
    (package / "data" / "mnist-subset").mkdir()
    (package / "data" / "stubs.json").write_text("{}")
    (package / "grade").mkdir()
    (package / "grade" / "solutions_copy.py").write_text("")
    (site / "solutions").mkdir()
    (site / "other" / "solutions.py").parent.mkdir()
    hidden = set(sandbox.masks([str(site)], package=package))
    assert str(answers.parent) in hidden and str(answers) in hidden
    assert str(package / "data" / "stubs.json") in hidden
    assert str(package / "data" / "mnist-subset") not in hidden  # what the tests load
    assert str(package / "grade" / "solutions_copy.py") in hidden  # anywhere in the package
    assert str(site / "solutions") in hidden  # at the top of a runtime folder
    # the grader's own copy: the project's solutions/ first, else the package's file
    assert core.PACKAGED_ANSWERS.relative_to(Path(core.__file__).resolve().parents[1]) \
        == Path("data/reference-answers/solutions.json")
    refs = core.References(tmp_path / "no project", packaged=answers)
    assert refs.source("inplace_update").startswith("def sgd_step")
    assert refs.source("leaf_tensors") is None
    assert core.References(ROOT, packaged=answers).source("inplace_update") == \
        ROOT.joinpath("solutions", "inplace_update.py").read_text()
    assert sandbox.elf_interpreter(os.path.realpath(os.sys.executable)) in (
        None, *sandbox.runtime_files())


# --- copying --------------------------------------------------------------------------------------


def test_copies_of_the_reference_and_of_each_other_are_listed():
    reference = ROOT.joinpath("solutions", "batch_division.py").read_text()
    renamed = reference.replace("param", "weight_t").replace("features", "xs")
    renamed = "\n".join(line.split("#")[0].rstrip() for line in renamed.splitlines()) + "\n"
    own = stubs.pristine()["batch_division"].replace(
        "raise NotImplementedError", "return None  #")
    subs = [Submission("verbatim", Path("."), files={"batch_division": reference.encode()}),
            Submission("renamed", Path("."), files={"batch_division": renamed.encode()}),
            Submission("own work", Path("."), files={"batch_division": own.encode()}),
            Submission("own work too", Path("."), files={"batch_division": own.encode()}),
            Submission("stub", Path("."),
                       files={"batch_division": stubs.pristine()["batch_division"].encode()})]
    found = similarity.find(subs, ["batch_division"], core.References(ROOT),
                            {"batch_division": stubs.pristine()["batch_division"]})
    kinds = {(p["kind"], tuple(p["students"]), p["like"]) for p in found["pairs"]}
    assert ("verbatim", ("verbatim",), "the reference") in kinds
    assert any(p["students"] == ["renamed"] and p["like"] == "the reference"
               for p in found["pairs"]), found
    assert not [p for p in found["pairs"] if "stub" in p["students"]]


def test_mining_hypothesis_constants_leaves_each_job_its_own_storage(tmp_path, monkeypatch):
    """The fork server mines hypothesis's constants once (runner.mine_hypothesis_constants);
    the storage folder hypothesis had fixed by then is let go, so that a job forked afterwards
    keeps the one its environment names (HYPOTHESIS_STORAGE_DIRECTORY, in its own home), not
    the server's, which every job would otherwise share."""
    from hypothesis.configuration import set_hypothesis_home_dir, storage_directory

    from dojo.runner import mine_hypothesis_constants

    monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "server"))
    set_hypothesis_home_dir(None)
    try:
        storage_directory("constants")  # fixed, as mining's reading of the cache fixes it
        mine_hypothesis_constants()
        monkeypatch.setenv("HYPOTHESIS_STORAGE_DIRECTORY", str(tmp_path / "job"))
        assert Path(storage_directory("constants").path) == tmp_path / "job" / "constants"
    finally:
        set_hypothesis_home_dir(None)


# --- answers that compute nothing earn nothing ------------------------------------------------

@pytest.mark.parametrize("module", load().modules())
def test_an_answer_that_computes_nothing_scores_nothing(module, tmp_path):
    """The grader's calibration runs each kata's answers that compute nothing (the stub's
    functions returning None, raising RuntimeError, handing back their first argument): the
    claims they pass are guards (x left untouched, the grad mode restored), which count only in
    proportion to the kata's other claims passed. Every kata keeps claims no such answer passes,
    and each of these answers scores 0 of the kata's points."""
    grader = a_grader(tmp_path, katas=[module], seed=5)
    nulls = core.null_answers(stubs.pristine()[module])
    assert set(nulls) == set(core.NULL_BODIES), nulls.keys()
    passes = {}
    for label, source in nulls.items():
        res = judged_module(grader, module, observe_in_process(module, source, tmp_path / label.replace(" ", "_"),
                                                               grader))
        passes[label] = {n for n, v in res["tests"].items() if v[0] == "passed"}
    grader.guards[module] = set().union(*passes.values())
    ids = set(grader.expected[module])
    assert ids - grader.guards[module], f"every claim of {module} passes an empty answer"
    for label, passed in passes.items():
        results = {module: {"status": "ok", "reason": "", "tests": {
            n: ["passed" if n in passed else "failing", None] for n in ids}}}
        sub = Submission("s", tmp_path)
        sub.files = {module: b"x"}
        record = grader.score(sub, results)
        assert record["total"] == 0, (label, sorted(passed))


def test_null_answers_replace_exactly_the_bodies_that_raise_not_implemented_error():
    stub = '''
import torch

def kept(x):
    return x + 1

def todo(x, y=2):
    """Docs."""
    def inner():
        raise NotImplementedError
    raise NotImplementedError("write me")

class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, batch):
        raise NotImplementedError

def nothing():
    raise NotImplementedError
'''
    out = core.null_answers(stub)
    assert set(out) == {"returns None", "raises", "returns its first argument"}
    first = module_from(out["returns its first argument"], "first")
    assert first.kept(1) == 2 and first.todo(5) == 5 and first.nothing() is None
    assert first.todo.__doc__ == "Docs."
    assert first.Model().forward(3) == 3
    none = module_from(out["returns None"], "none")
    assert none.todo(5) is None and none.Model().forward(3) is None and none.kept(1) == 2
    raising = module_from(out["raises"], "raising")
    with pytest.raises(RuntimeError):
        raising.todo(1)
    assert core.null_answers("def f(:\n") == {}
    assert core.null_answers("def f(x):\n    return x\n") == {}


from hypothesis import given, strategies as st  # noqa: E402


@given(st.integers(0, 30), st.integers(0, 30), st.data())
def test_a_guards_share_follows_the_working_claims_passed(working, guards, data):
    """No working claim passed: nothing, whatever guards pass. Every claim passed: everything.
    More passes never lower the share, and a share is never above the plain fraction passed."""
    pw = data.draw(st.integers(0, working))
    pg = data.draw(st.integers(0, guards))
    got = core.share(pw, working, pg, guards)
    assert 0.0 <= got <= 1.0
    if working and pw == 0:
        assert got == 0.0
    if pw == working and pg == guards and working + guards:
        assert got == pytest.approx(1.0)
    if working + guards:
        assert got <= (pw + pg) / (working + guards) + 1e-12
    if pw < working:
        assert core.share(pw + 1, working, pg, guards) >= got
    if pg < guards:
        assert core.share(pw, working, pg + 1, guards) >= got
