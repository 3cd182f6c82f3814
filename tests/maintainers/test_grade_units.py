"""The grader's pieces, in this process (no grading run, no new interpreter): the probes on every
reference and stub, the rule that turns probe verdicts into contradicted tests, what the server
accepts from a job's pipes, /proc read as bytes, removing what a job left, the copying section.
The end-to-end proofs are in test_grade.py."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import time
import types
from pathlib import Path

import pytest

from dojo import stubs
from dojo.catalog import load
from dojo.grade import core, probes, sandbox, server, similarity
from dojo.grade.submissions import Submission

ROOT = Path(__file__).resolve().parents[2]


def module_from(source: str, name: str):
    module = types.ModuleType(name)
    exec(compile(source, name, "exec"), module.__dict__)  # noqa: S102 - the project's own code
    return module


# --- probes -------------------------------------------------------------------------------------


def test_probes_are_only_for_katas_of_the_catalog(tmp_path, monkeypatch):
    """A probe for a kata that does not exist is a mistake; a kata without probes is graded by
    its tests alone, and grading.json says why (as it does without a reference answer)."""
    assert set(probes.PROBES) <= set(load().modules()), set(probes.PROBES) - set(load().modules())
    monkeypatch.setitem(probes.PROBES, "inplace_update", [])
    assert a_grader(tmp_path).rechecked == {"inplace_update": "no probes for this kata"}
    monkeypatch.undo()
    monkeypatch.setattr(probes, "PACKAGED_ANSWERS", tmp_path / "none.json")
    project = tmp_path / "project without solutions"
    (project / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "test_inplace_update.py", project / "tests")
    grader = core.Grader(core.Settings(submissions=tmp_path, out=tmp_path, project=project,
                                       katas=["inplace_update"]))
    assert grader.rechecked == {"inplace_update": "no reference answer on this machine"}


@pytest.mark.parametrize("module", sorted(probes.PROBES))
def test_probes_agree_with_the_reference_and_find_the_stub_broken(module):
    """On two seeds, the grader's run of the reference (`References.observe`) and a run on a
    second, separately loaded copy of it (what a job holding the reference sends) agree: the
    probes are deterministic for their seed and every function is right. The stub's functions
    are all broken."""
    refs = probes.References(ROOT)
    mine = module_from(ROOT.joinpath("solutions", f"{module}.py").read_text(), f"ref_{module}")
    stub = module_from(stubs.pristine()[module], f"stub_{module}")
    for seed in (3, 2**31 - 7):
        want = refs.observe(module, seed)
        assert not [k for k, v in want.items() if "error" in v], want
        record = json.dumps({"k": "probes", "seed": seed, "results": want})
        assert len(record.encode()) < server.LINE_CAP // 2, (
            f"{module}'s observations take {len(record)} bytes: a job sends them as one record "
            f"of at most {server.LINE_CAP} bytes (observe fewer values)")
        for other, verdict in ((mine, "right"), (stub, "broken")):
            if other is stub and seed != 3:
                continue
            got = {p.name: probes.run_one(p, other, seed) for p in probes.PROBES[module]}
            compared = {p.name: probes.compare(p, got[p.name], want[p.name])
                        for p in probes.PROBES[module]}
            assert set(probes.verdicts(module, compared).values()) == {verdict}, compared


def test_a_wrong_answer_is_wrong_and_odd_values_never_raise():
    refs = probes.References(ROOT)
    rebinding = module_from(
        "def sgd_step(params, lr):\n    for p in params:\n        p = p - lr * p.grad\n"
        "def decrement_all(values, amount):\n    return 'not a list'\n", "wrong")
    want = refs.observe("inplace_update", 11)
    got = {p.name: probes.run_one(p, rebinding, 11) for p in probes.PROBES["inplace_update"]}
    compared = {p.name: probes.compare(p, got[p.name], want[p.name])
                for p in probes.PROBES["inplace_update"]}
    assert probes.verdicts("inplace_update", compared) == {"sgd_step": "wrong",
                                                            "decrement_all": "wrong"}
    assert probes.floats(None) == "not a tensor: NoneType" and probes.number("x").startswith("not")
    assert probes.plain({"a": object(), "b": [[[[1]]]]}) == {"a": "not plain data: object",
                                                             "b": [["too deep"]]}
    assert not probes.valid({"x": [[[[[1]]]]]}) and not probes.valid({1: 2})


def test_a_function_is_rechecked_on_its_own_as_its_tests_check_it():
    """tail_batches' train_epoch iterates with the learner's data_iter, and its tests replay the
    batches that data_iter yields. The gallery's data_iter that drops the tail makes data_iter
    wrong, not train_epoch, whose tests rightly pass (overruling them would flag an honest
    learner)."""
    wrong = ROOT.joinpath("gallery", "tail_batches", "range_drops_tail.py").read_text()
    wrong = "\n".join(ln for ln in wrong.splitlines() if not ln.startswith("from solutions"))
    learner = module_from(ROOT.joinpath("solutions", "tail_batches.py").read_text() + wrong,
                          "range_drops_tail")
    want = probes.References(ROOT).observe("tail_batches", 17)
    compared = {p.name: probes.compare(p, probes.run_one(p, learner, 17), want[p.name])
                for p in probes.PROBES["tail_batches"]}
    assert probes.verdicts("tail_batches", compared) == {
        "data_iter": "wrong", "train_epoch": "right", "dataset_mean_loss": "right"}


def grader_with(uses: dict) -> core.Grader:
    grader = core.Grader.__new__(core.Grader)
    grader.uses = {"k": uses}
    return grader


def test_probe_verdicts_overrule_only_what_they_contradict():
    ids = ["t1", "t2", "t3", "t4"]
    grader = grader_with({"t1": ["f"], "t2": ["f"], "t3": ["g"], "t4": []})
    res = {"tests": {n: ["passed", None] for n in ids},
           "probes": {"verdicts": {"f": "broken", "g": "right"}, "differs": {}}}
    assert set(grader.contradicted("k", res, ids)) == {"t1", "t2"}
    # a wrong function: its tests cannot all pass; one honest failure among them is consistent
    res["probes"] = {"verdicts": {"f": "wrong", "g": "right"}, "differs": {"f:p": ["values"]}}
    assert set(grader.contradicted("k", res, ids)) == {"t1", "t2"}
    res["tests"]["t2"] = ["failing", "honest"]
    assert grader.contradicted("k", res, ids) == {}
    # no probes (or no reference): the tests alone
    res["probes"] = None
    assert grader.contradicted("k", res, ids) == {}


# --- judging one job from its records (the grading process) ----------------------------------

T = "tests/test_inplace_update.py::"


def a_grader(tmp_path) -> core.Grader:
    grader = core.Grader(core.Settings(submissions=tmp_path, out=tmp_path, project=ROOT,
                                       katas=["inplace_update"]))
    grader.tmp = tmp_path
    (tmp_path / "jobs").mkdir(parents=True, exist_ok=True)
    return grader


def record(name: str, state: str) -> dict:
    return {"k": "test", "n": T + name, "s": state, "m": None, "st": None, "c": [], "u": []}


def event(records: list, **extra) -> dict:
    return {"status": "exited", "code": 1, "signal": None, "wall": 1.0, "cpu": 1.0,
            "leftovers": 0, "sandbox": {"k": "sandbox"}, "channel": {}, "log": "",
            "records": [*records, {"k": "end", "n": "", "c": []}], **extra}


def judged(tmp_path, records, canaries=(), **extra) -> dict:
    grader = a_grader(tmp_path)
    grader.expected = {"inplace_update": {T + "a": "inplace_update", T + "b": "inplace_update"}}
    grader.expected_skips = {"inplace_update": set()}
    job = core.Job("j1", "inplace_update", Submission("s", Path(".")), tmp_path,
                   list(canaries), probe_seed=1, probes=False)
    job.event = event(records, **extra)
    return grader.judge(job)


def test_the_verdict_comes_from_the_records_and_nothing_after_the_last_expected_test(tmp_path):
    from dojo.grade.canary import Canary

    honest = [record("a", "failing"), record("b", "passed")]
    res = judged(tmp_path, honest + [record("a", "passed"), record("z", "passed")])
    assert res["status"] == "ok" and res["tests"] == {T + "a": ["failing", None],
                                                     T + "b": ["passed", None]}
    for why, records, extra, canaries in (
        ("two results", [record("a", "failing"), record("a", "passed"), record("b", "passed")],
         {}, ()),
        ("did not expect", [record("z", "passed"), *honest], {}, ()),
        ("still ran after", honest, {"leftovers": 2}, ()),
        ("wrong shape or size", honest, {"channel": {"malformed": 1}}, ()),
        ("pytest reported success", honest, {"code": 0}, ()),
        ("sandbox did not report", honest, {"sandbox": None}, ()),
        ("whose outcome the grader knows", [*honest, record("test_c", "passed")], {},
         [Canary("test_c", "failing", "")]),
    ):
        res = judged(tmp_path / why.replace(" ", "-"), records, canaries, **extra)
        assert res["status"] == "flagged" and why in res["reason"], (why, res)
    # the session never ended (os._exit in a test): no "end" record
    grader = a_grader(tmp_path / "no-end")
    grader.expected = {"inplace_update": {T + "a": "inplace_update"}}
    grader.expected_skips = {"inplace_update": set()}
    job = core.Job("j1", "inplace_update", Submission("s", Path(".")), tmp_path, [], 1, False)
    job.event = {**event(honest), "records": honest}
    assert grader.judge(job)["status"] == "crashed"
    # an event of the wrong shape, an error while judging: that job is crashed, nothing raises
    for bad in ({"records": "x", "code": "0", "status": 7, "log": b"\xff"}, None, [1]):
        job.event = bad
        assert grader.judge(job)["status"] == "crashed", bad
    grader.expected = {}
    job.event = event(honest)
    res = grader.judge(job)
    assert res["status"] == "crashed" and "could not judge" in res["reason"], res


def calibrated(tmp_path, state: str, probe_results) -> core.Grader:
    """Calibration with the server replaced by a fixed event for the one kata module."""
    grader = a_grader(tmp_path)
    grader.server = types.SimpleNamespace(info={})

    def run_jobs(jobs, done):
        for job in jobs:
            canaries = [record(c.name, c.expect) for c in job.canaries]  # answered right
            job.event = event([record("a", state), *canaries],
                              probes={"seed": job.probe_seed, "results": probe_results(job)})
            done(job)

    grader.run_jobs = run_jobs
    grader.calibrate()
    return grader


def test_calibration_stops_when_the_reference_fails_and_a_disagreeing_probe_turns_off(tmp_path):
    """The reference must pass every test in the sandbox, or nobody is graded; a probe that
    gives in the sandbox other values than in the grading process turns that kata's re-check
    off (graded by its tests alone), and the run goes on."""
    refs = probes.References(ROOT)

    def right(job):
        return refs.observe("inplace_update", job.probe_seed)

    grader = calibrated(tmp_path / "ok", "passed", right)
    assert grader.rechecked == {"inplace_update": "yes"}
    assert grader.expected["inplace_update"] == {T + "a": "inplace_update"}  # canaries left out
    with pytest.raises(core.GradingError, match="the reference fails"):
        calibrated(tmp_path / "fails", "failing", right)
    grader = calibrated(tmp_path / "off", "passed",
                        lambda job: {p.name: {"error": "boom"}
                                     for p in probes.PROBES["inplace_update"]})
    assert grader.rechecked["inplace_update"].startswith("the probes disagree")


# --- what the server accepts from a job -----------------------------------------------------


def test_records_of_the_wrong_shape_are_refused():
    ok = {"k": "test", "n": "t::a", "s": "passed", "m": None, "st": None, "c": [], "u": ["f"]}
    assert server.check_record(ok)["s"] == "passed"
    # every state the plugin can give a test is a state, not a malformed record
    for state in ("failing", "not started", "broken", "skipped", "timeout"):
        assert server.check_record({**ok, "s": state})["s"] == state
    for bad in ({**ok, "n": ["x"]}, {**ok, "s": 7}, {**ok, "s": "won"}, {**ok, "m": {"a": 1}},
                {**ok, "k": "verdict"}, [ok], "passed", None, {**ok, "n": "x" * 3000}):
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
    pipe = server.Pipe(r, cap=300_000)

    def send(data: bytes) -> None:  # a pipe holds 64 KiB: feed as it fills
        for start in range(0, len(data), 32768):
            os.write(w, data[start:start + 32768])
            pipe.feed_lines()

    send(b"[" * 200_000 + b"\n" + b'{"k": "start", "n": "a"}\n' + b"\xff\xfe\n")
    assert pipe.long_lines == 1 and len(pipe.lines) == 2
    send(b"y" * 200_000)
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
    assert probes.PACKAGED_ANSWERS.relative_to(Path(probes.__file__).resolve().parents[1]) \
        == Path("data/reference-answers/solutions.json")
    refs = probes.References(tmp_path / "no project", packaged=answers)
    assert refs.source("inplace_update").startswith("def sgd_step")
    assert refs.source("leaf_tensors") is None
    assert probes.References(ROOT, packaged=answers).source("inplace_update") == \
        ROOT.joinpath("solutions", "inplace_update.py").read_text()
    assert sandbox.elf_interpreter(os.path.realpath(os.sys.executable)) in (
        None, *sandbox.runtime_files())


@pytest.mark.skipif(not sandbox.is_root(), reason="needs root: the probes run as a user of their own")
def test_nothing_of_the_probe_phase_is_alive_when_it_ends():
    """The job process kills its probes' process and everything it started, and waits until
    they are dead, before the server is told the probe phase is over: a process the server
    saw alive after that would count as a leftover of the tests (and flag an honest kata).
    Here a probes' process that takes a while to die (it holds 64 MB) has started children
    in its process group and daemons in sessions of their own."""
    uid = sandbox.uid_base(f"unit-{os.getpid()}") + sandbox.SLOTS_PER_RUN - 1
    report_r, report_w = os.pipe()
    helper = os.fork()
    if helper == 0:  # plays the server: root, the child subreaper
        try:
            os.close(report_r)
            sandbox.set_subreaper()
            done_r, done_w = os.pipe()
            job = os.fork()
            if job == 0:  # the job process, as the job's user
                try:
                    os.close(done_r)
                    sandbox.drop_privileges(uid)
                    probe = os.fork()
                    if probe == 0:
                        os.setpgid(0, 0)
                        ballast = b"x" * (64 << 20)  # noqa: F841 - slow to unmap
                        for daemon in (False, True, True):
                            if os.fork() == 0:
                                if daemon:
                                    os.setsid()
                                    if os.fork() != 0:
                                        os._exit(0)
                                time.sleep(60)
                                os._exit(0)
                        time.sleep(60)
                        os._exit(0)
                    time.sleep(0.5)
                    server._end_probes(probe, uid, b"DOJO_GRADE_JOB=unit")
                    os.write(done_w, b"x")
                    time.sleep(1)
                finally:
                    os._exit(0)
            os.close(done_w)
            os.read(done_r, 1)
            alive = [p for p, proc in sandbox.processes().items()
                     if proc.uid == uid and p != job and sandbox._state(p) not in ("Z", "X", "")]
            os.write(report_w, json.dumps(alive).encode())
            sandbox.kill_uid(uid)
            while True:
                try:
                    os.wait()
                except ChildProcessError:
                    break
        finally:
            os._exit(0)
    os.close(report_w)
    with os.fdopen(report_r, "rb") as handle:
        alive = json.loads(handle.read() or b"null")
    os.waitpid(helper, 0)
    assert alive == [], f"processes of the probe phase still alive after it ended: {alive}"


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
    found = similarity.find(subs, ["batch_division"], probes.References(ROOT),
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
