"""`dojo grade` end to end: a class of honest and hostile submissions, graded by the real grader
(fork server, minimal root, record pipes, claims judged in the grading process), its outputs checked, report.html
rendered in a real headless chromium, the Gradescope bundle run as Gradescope would, the
student edition exported. The pieces are tested one by one, in process, in test_grade_units.py.

The hostile submissions live in tests/maintainers/hostile/ (one learner's file each, its
docstring says what it does and what must happen); archives, symlinks, smuggled files and
colliding names are made here. Slow on purpose (a few minutes): it grades for real.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from dojo import gallery, stubs
from dojo.catalog import load
from dojo.grade import sandbox

pytestmark = pytest.mark.slow  # end-to-end: real processes, seconds each

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = Path(__file__).resolve().parent / "hostile"
PY = sys.executable
KATAS = ["inplace_update"]  # the hostile class: the attacked kata
TIMEOUT = 7  # the hostile jobs that hang cost this; an honest job takes 1-2 s on a busy machine

needs_root = pytest.mark.skipif(
    not sandbox.is_root(),
    reason="the hostile class needs root: without it the grader cannot give each job a user of "
    "its own, and a hostile submission could signal your own processes",
)


def hostile_test(fn):
    """A test of the hostile class: root only, and on one pytest-xdist worker with the others
    (they share the one grading run of the `hostile` fixture)."""
    return pytest.mark.xdist_group("grade-hostile-class")(needs_root(fn))


def solution(module: str) -> bytes:
    path = ROOT / "solutions" / f"{module}.py"
    if not path.is_file():
        pytest.fail(f"solutions/{module}.py is missing")
    return path.read_bytes()


def stub(module: str) -> bytes:
    return stubs.pristine()[module].encode()


def partial_inplace_update() -> bytes:
    """sgd_step right, decrement_all still the stub: partial credit."""
    source = stub("inplace_update").decode()
    head, _, tail = source.partition("def decrement_all")
    right = solution("inplace_update").decode()
    body = right[right.index("def sgd_step"):right.index("def decrement_all")]
    head = head[: head.index("def sgd_step")] + body
    return (head + "def decrement_all" + tail).encode()


def pickled_inplace_update() -> bytes:
    """The reference, checking that its own functions survive a pickle round trip (pickle
    imports the kata's own module again, `_dojo_target_inplace_update`): honest, never flagged."""
    return solution("inplace_update") + (
        b"\n\nimport pickle\n\n"
        b"assert pickle.loads(pickle.dumps(sgd_step)) is sgd_step\n"
        b"assert pickle.loads(pickle.dumps(decrement_all)) is decrement_all\n")


def write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def make_zip(path: Path, members: dict[str, bytes], symlinks: dict[str, str] = {}) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, target in symlinks.items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (0o120777) << 16
            zf.writestr(info, target)


def build_class(root: Path) -> dict[str, dict]:
    """The class: {student name: what must happen}. One kata (inplace_update), so that each
    hostile submission costs one job."""
    cls = root / "class"
    cls.mkdir()
    expect: dict[str, dict] = {}

    # honest
    write(cls / "Ada Lovelace" / "katas" / "inplace_update.py", solution("inplace_update"))
    expect["Ada Lovelace"] = {"inplace_update": 10, "status": "ok"}
    make_zip(cls / "张 伟.zip", {"张伟的作业/katas/inplace_update.py": partial_inplace_update()})
    expect["张 伟"] = {"inplace_update": "partial", "status": "ok"}
    write(cls / "stub student" / "inplace_update.py", stub("inplace_update"))
    expect["stub student"] = {"inplace_update": 0, "status": "ok"}
    write(cls / "Grace Hopper" / "inplace_update.py", pickled_inplace_update())
    expect["Grace Hopper"] = {"inplace_update": 10, "status": "ok"}

    # hostile learner files (tests/maintainers/hostile/*.py): {name: state it must end in}
    outcomes = {
        # code that hangs (signals ignored: infinite_loop.py runs in the fallback's class),
        # crashes, eats memory, disk or CPU
        "signal_ignoring_loop": "timeout",
        "cpu_hog": None,  # timeout, or memory: 30 copies of a Python process; 0 in any case
        "leftover_processes": "flagged",
        "setsid_escape": "flagged",
        "memory_bomb": None,  # memory, or crashed, or broken (MemoryError): 0 in any case
        "huge_file": None,
        "disk_filler": None,  # disk, or its writes fail: 0 in any case
        "exit_at_import": "broken",
        "os_exit": "crashed",
        "syntax_error": "broken",
        "output_flood": "failing",
        "kill_the_grader": "solved",  # right, and harmless: the run goes on
        # rewriting the outcome, after the checks or while a test runs; forging observations
        "tamper_allclose": "flagged",
        "tamper_runner": "flagged",
        "forge_after_the_end": None,
        "forge_observations": None,
        "gc_flip_records": None,
        "tamper_test_helpers": None,  # no more than its twin (see below)
        # reaching what the observers run: their globals (kept, added, deleted, or written and
        # put back), the project's helper modules, a builder's __code__, the observer registry
        "observer_torch_proxy": "flagged",
        "observer_global_put_back": "flagged",
        "helper_module_rebound": "flagged",
        "observer_code_swapped": "flagged",
        "observer_global_deleted": "flagged",
        "observer_registry_replaced": "flagged",
        "steal_expected": "not started",
        # reading an answer; breaking the run for everyone
        "read_the_solution": "not started",
        "break_the_grader": None,
    }
    entries = {e.id: e for e in gallery.entries(ROOT)}
    for name, state in outcomes.items():
        student = f"hostile {name}"
        source = (HOSTILE / f"{name}.py").read_text(encoding="utf-8")
        write(cls / student / "inplace_update.py", source)
        expect[student] = {"inplace_update": 10 if state == "solved" else 0, "state": state}
        twin = next((ln.split(":", 1)[1].strip() for ln in source.splitlines()
                     if ln.startswith("Twin:")), None)
        if twin is not None:  # a partly right answer: the attack earns nothing beyond it
            write(cls / f"twin of {name}" / "inplace_update.py",
                  entries[twin].standalone(solution("inplace_update").decode()))
            expect[f"twin of {name}"] = {"status": "ok"}
            expect[student] = {"at_most": f"twin of {name}", "status": "ok"}

    # smuggled files: a stub plus everything that would make it pass if it were used
    smug = cls / "smuggler"
    write(smug / "katas" / "inplace_update.py", stub("inplace_update"))
    write(smug / "conftest.py", "import pytest\n@pytest.hookimpl(wrapper=True)\n"
          "def pytest_runtest_makereport(item, call):\n    r = yield\n    r.outcome = 'passed'\n"
          "    return r\n")
    write(smug / "katas" / "conftest.py", (smug / "conftest.py").read_bytes())
    write(smug / "sitecustomize.py", "import torch\ntorch.allclose = lambda *a, **k: True\n")
    write(smug / "katas" / "evil.pth", "import os; os.system('touch /tmp/dojo-hostile-pth')\n")
    write(smug / "pytest.ini", "[pytest]\naddopts = -p no:dojo.pytest_plugin\n")
    write(smug / "tests" / "test_inplace_update.py", "def test_ok():\n    pass\n")
    write(smug / "katas" / "torch.py", "raise SystemExit('shadowed torch')\n")
    write(smug / "katas" / "dojo" / "__init__.py", "raise SystemExit('shadowed dojo')\n")
    expect["smuggler"] = {"inplace_update": 0, "state": "not started"}

    # archives and links that climb out
    make_zip(cls / "zip slip.zip", {"inplace_update.py": solution("inplace_update"),
                                    "../../dojo-hostile-slip.py": b"pwned = 1\n"})
    make_zip(cls / "absolute path.zip", {"/tmp/dojo-hostile-abs.py": b"pwned = 1\n",
                                         "inplace_update.py": solution("inplace_update")})
    make_zip(cls / "zip symlink.zip", {},
             {"katas/inplace_update.py": str(ROOT / "solutions" / "inplace_update.py")})
    make_zip(cls / "zip bomb.zip", {"inplace_update.py": solution("inplace_update"),
                                    "filler.bin": b"\0" * (48 * 2**20)})
    link = cls / "symlink out" / "katas"
    link.mkdir(parents=True)
    (link / "inplace_update.py").symlink_to(ROOT / "solutions" / "inplace_update.py")
    for name, reason in (("zip slip", "climbs out"), ("absolute path", "absolute path"),
                         ("zip symlink", "symlink"), ("zip bomb", "zip bomb"),
                         ("symlink out", "symlink")):
        expect[name] = {"inplace_update": 0, "refused": reason}

    # names that collide once normalised or case-folded, and names of OUT's own files; the
    # first hands in the reference reformatted and renamed (the copying section lists it), the
    # others no kata file at all (0, "missing", and no job is run for them)
    write(cls / "Zoë" / "inplace_update.py", renamed_copy(solution("inplace_update")))
    expect["Zoë"] = {"inplace_update": 10, "status": "ok"}
    for name in (unicodedata.normalize("NFD", "Zoë"), "ZOË", "report.html",
                 "=1+2", "<img src=x onerror=alert(1)>"):
        write(cls / name / "notes.txt", "not a kata file\n")
        expect[name] = {"inplace_update": 0, "state": "missing", "status": "ok"}

    # another clone of the project, with its answers, elsewhere on the machine
    write(root / "another clone" / "solutions" / "inplace_update.py", solution("inplace_update"))
    return expect


def renamed_copy(source: bytes) -> bytes:
    """The reference with its names changed, its comments dropped and its layout redone."""
    text = source.decode()
    for old, new in (("param", "tensor_x"), ("value", "item_v"), ("values", "items_vs")):
        text = text.replace(old, new)
    lines = [ln.split("  #")[0].rstrip() for ln in text.splitlines() if not ln.strip().startswith("#")]
    return ("\n\n".join(lines) + "\n").encode()


def grade(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: int = 1200):
    return subprocess.run(
        [PY, "-m", "dojo.grade", *args], cwd=cwd, capture_output=True, text=True,
        timeout=timeout, env={**os.environ, **(env or {})},
    )


def read_csv(path: Path) -> dict[str, dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "grades.csv needs a byte-order mark for Excel"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    return {row["student"]: row for row in rows}


def mine() -> set[int]:
    """Processes of this test session's graders (other sessions may be grading at the same
    time on a shared machine): descendants of this process, or orphans re-parented to init."""
    table = sandbox.processes()
    return sandbox.descendants(os.getpid(), table) | {p for p, proc in table.items()
                                                      if proc.ppid in (0, 1)}


def leftovers() -> list[str]:
    found = []
    for proc in sandbox.processes().values():
        if sandbox.UID_BASE <= proc.uid < sandbox.UID_BASE + 2**20 * sandbox.SLOTS_PER_RUN \
                and proc.pid in mine():
            found.append(f"{proc.pid} uid {proc.uid}")
        try:
            cmd = Path(f"/proc/{proc.pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"7717" in cmd:
            found.append(f"{proc.pid}: {cmd[:80]!r}")
    return found


def installed_copy(root: Path) -> Path:
    """The project as a machine without a checkout has it: the package, carrying the reference
    answers where an installed package will (dojo/data/reference-answers/solutions.json, made
    here whether or not this checkout has it), and the pristine tests; no solutions/. The
    hostile class is graded from it: the grader must find the answers there, and no job may
    read them."""
    copy = root / "installed"
    skip = shutil.ignore_patterns("__pycache__", "maintainers", "reference-answers")
    shutil.copytree(ROOT / "dojo", copy / "dojo", ignore=skip)
    shutil.copytree(ROOT / "tests", copy / "tests", ignore=skip)
    answers = copy / "dojo" / "data" / "reference-answers" / "solutions.json"
    answers.parent.mkdir()
    answers.write_text(json.dumps({m: solution(m).decode() for m in KATAS}), encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    if not sandbox.is_root():
        pytest.skip("needs root (see needs_root)")
    root = tmp_path_factory.mktemp("hostile")
    expect = build_class(root)
    installed = installed_copy(root)
    out = root / "out"
    args = [str(root / "class"), "--out", str(out), "--jobs", "2", "--timeout", str(TIMEOUT),
            "--memory-mb", "1500", "--project", str(installed),
            *[a for k in KATAS for a in ("--katas", k)]]
    run = grade(*args, cwd=installed)  # `python -m dojo.grade` imports the copy's package
    return {"root": root, "out": out, "expect": expect, "run": run, "args": args,
            "installed": installed, "finished": __import__("time").time()}


def _cell(name: str) -> str:
    return "'" + name if name[:1] in "=+-@" else name


@hostile_test
def test_the_class_is_graded_to_the_end(hostile):
    run = hostile["run"]
    assert run.returncode == 0, run.stderr[-4000:]
    rows = read_csv(hostile["out"] / "grades.csv")
    assert len(rows) == len(hostile["expect"]), sorted(rows)
    header = next(csv.reader(io.StringIO((hostile["out"] / "grades.csv").read_text("utf-8-sig"))))
    assert header == ["student", *KATAS, "total", "max_total", "status"]


@hostile_test
def test_each_submission_gets_what_it_deserves(hostile):
    rows = read_csv(hostile["out"] / "grades.csv")
    problems = []
    for name, want in hostile["expect"].items():
        row = rows.get(_cell(name))
        if row is None:
            problems.append(f"{name}: no row")
            continue
        rec = json.loads((hostile["out"] / _dir_of(hostile, name) / "grade.json").read_text())
        for kata in KATAS:
            got = float(row[kata])
            wanted = want.get(kata)
            if want.get("at_most") is not None:
                twin = float(rows[_cell(want["at_most"])][kata])
                if got > twin:
                    problems.append(f"{name}/{kata}: {got}, more than its twin's {twin}")
                continue
            if wanted == "partial":
                if not 0 < got < 10:
                    problems.append(f"{name}/{kata}: {got}, expected partial credit")
            elif wanted is not None and got != wanted:
                problems.append(f"{name}/{kata}: {got}, expected {wanted} "
                                f"({rec['steps'][kata]['state']}: {rec['steps'][kata]['reason']})")
        state = rec["steps"]["inplace_update"]["state"]
        if want.get("state") and state != want["state"]:
            problems.append(f"{name}: inplace_update is {state!r} "
                            f"({rec['steps']['inplace_update']['reason']}), expected {want['state']!r}")
        if want.get("refused"):
            if not rec.get("refused") or want["refused"] not in rec["refused"]:
                problems.append(f"{name}: refused={rec.get('refused')!r}, expected '{want['refused']}'")
        if want.get("status") and rec["status"] != want["status"]:
            problems.append(f"{name}: status {rec['status']!r}, expected {want['status']!r}")
    assert not problems, "\n".join(problems)


def _dir_of(hostile, name: str) -> str:
    meta = json.loads((hostile["out"] / "grading.json").read_text())
    return meta["students"][name]


@hostile_test
def test_nothing_survives_and_nothing_is_written_outside(hostile):
    assert not leftovers(), leftovers()
    for path in ("/tmp/dojo-hostile-big.bin", "/tmp/dojo-hostile-pth", "/tmp/dojo-hostile-abs.py",
                 hostile["root"].parent / "dojo-hostile-slip.py", ROOT / "big.bin", "/tmp/deep"):
        assert not Path(path).exists(), f"{path} was written"
    # this run's cgroups (other runs may be grading at the same time, on other xdist workers)
    run = json.loads((hostile["out"] / "grading.json").read_text())["runs"][-1]["run"]
    token_dirs = [p for p in Path("/sys/fs/cgroup").rglob(f"dojo-grade-{run}*")
                  if p.is_dir()] if Path("/sys/fs/cgroup").is_dir() else []
    assert not token_dirs, token_dirs


@hostile_test
def test_a_job_sees_nothing_of_anyone_else(hostile):
    """read_the_solution.py printed what it could see from inside its job: no answer anywhere
    (not this project's, not another clone's, not the package's data), and /root, /home and
    /work show nothing but the way to the Python runtime."""
    out = hostile["out"]
    folder = json.loads((out / "grading.json").read_text())["students"]["hostile read_the_solution"]
    log = (out / folder / "logs" / "inplace_update.log").read_text()
    line = next(ln for ln in log.splitlines() if ln.startswith("DOJO-HOSTILE-SAW "))
    saw = json.loads(line.split(" ", 1)[1])
    assert saw["found"] == [], saw["found"]
    assert saw["walked"] > 0
    for folder_name in ("/root", "/work", "/home"):
        assert not isinstance(saw["listable"][folder_name], list), saw["listable"]
    assert "home" not in saw["listable"]["/"]
    assert saw["package"] == str(hostile["installed"] / "dojo"), "not graded from the copy"
    assert set(saw["dojo_data"]) == {"mnist-subset", "stubs.json", "stubs_zh",
                                     "reference-answers"}, saw  # stubs_zh/: covered, found []
    assert saw["dojo_data"]["stubs.json"] == 0, "the package's frozen stubs were readable"
    assert saw["reference_answers"] == [], "the package's reference answers were visible"


@hostile_test
def test_names_never_overwrite_anything(hostile):
    out = hostile["out"]
    assert (out / "report.html").is_file() and (out / "grades.csv").is_file()
    meta = json.loads((out / "grading.json").read_text())
    dirs = list(meta["students"].values())
    assert len(set(d.casefold() for d in dirs)) == len(dirs)
    for name in ("Zoë", unicodedata.normalize("NFD", "Zoë"), "ZOË", "report.html"):
        folder = out / meta["students"][name]
        assert (folder / "results.json").is_file(), name
    assert meta["students"]["report.html"] != "report.html"
    assert "张 伟" in meta["students"]
    # report.html as text (the browser test below renders it where chromium is installed):
    # no script may run, every name is escaped, the copying section lists the copies
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'\"" in page
    assert "<script" not in page.lower()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    copies = page[page.index("Submissions that look copied"):]
    assert "Ada Lovelace" in copies and "Zoë" in copies and "stub student" not in copies


@hostile_test
def test_gradescope_results_and_feedback(hostile):
    out = hostile["out"]
    meta = json.loads((out / "grading.json").read_text())
    for name, folder in meta["students"].items():
        data = json.loads((out / folder / "results.json").read_text())
        assert set(data) >= {"score", "execution_time", "output", "tests"}
        total = sum(t["score"] for t in data["tests"])
        assert abs(total - data["score"]) < 0.01, name
        assert abs(sum(t["max_score"] for t in data["tests"]) - 10) < 0.01, name
        for test in data["tests"]:
            assert set(test) >= {"name", "score", "max_score", "status", "output", "visibility"}
            assert test["status"] in ("passed", "failed")
        text = (out / folder / "feedback.md").read_text()
        assert text.startswith("# ")
    ada = (out / meta["students"]["张 伟"] / "feedback.md").read_text()
    assert "decrement_all" in ada and "not started" in ada.lower()
    flagged = (out / meta["students"]["hostile tamper_allclose"] / "feedback.md").read_text()
    assert "scores 0" in flagged
    # every test of Gradescope's results is a claim of the kata, by its name
    claims = {n for n in (ROOT / "tests" / "test_inplace_update.py").read_text().split("\ndef ")
              if n.startswith("test_")}
    names = {n.split("(", 1)[0] for n in claims}
    for folder in meta["students"].values():
        data = json.loads((out / folder / "results.json").read_text())
        shown = {t["name"].split(": ", 1)[1].split("[")[0] for t in data["tests"]}
        assert shown <= names, (folder, shown - names)


@hostile_test
def test_output_is_capped(hostile):
    out = hostile["out"]
    meta = json.loads((out / "grading.json").read_text())
    logs = out / meta["students"]["hostile output_flood"] / "logs"
    for path in logs.glob("*.log"):
        assert path.stat().st_size <= 70 * 1024, path


@hostile_test
def test_out_records_how_it_was_graded(hostile):
    meta = json.loads((hostile["out"] / "grading.json").read_text())
    assert meta["versions"]["torch"] and meta["versions"]["python"] and meta["versions"]["dojo"]
    assert isinstance(meta["seed"], int)
    assert meta["limits"]["timeout"] == TIMEOUT and meta["limits"]["memory_mb"] == 1500
    assert meta["sandbox"]["namespaces"] is True and meta["sandbox"]["uid"]
    assert meta["sandbox"]["minimal_root"] is True
    # the project has no solutions/: the grader found the package's reference answers
    assert not (hostile["installed"] / "solutions").exists()
    assert meta["cases"]["inplace_update"] >= 10
    assert meta["figures"]["duration_s"] > 0
    # one job per kata file handed in: none for a kata not handed in, none for the refused
    handed_in = [n for n, want in hostile["expect"].items()
                 if want.get("state") != "missing" and not want.get("refused")]
    assert meta["figures"]["jobs_run"] == len(handed_in)


@hostile_test
def test_rerun_skips_and_only_regrades_one_with_the_same_scores(hostile):
    out = hostile["out"]
    before = read_csv(out / "grades.csv")
    run = grade(*hostile["args"], cwd=hostile["installed"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert "0 to grade" in run.stderr, run.stderr[-2000:]
    assert read_csv(out / "grades.csv") == before
    run = grade(*hostile["args"], "--only", "张 伟", cwd=hostile["installed"])
    assert run.returncode == 0, run.stderr[-3000:]
    assert "1 to grade" in run.stderr
    after = read_csv(out / "grades.csv")
    assert after == before, "grading the same submission again changed its scores"


@hostile_test
def test_report_html_in_a_real_headless_browser(hostile, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (.ci/system-deps installs it)")
    report = hostile["out"] / "report.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", report.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = dom.stdout
    for text in ("Students by katas", "Pitfalls the class hit most", "Ada Lovelace", "张 伟",
                 "timeout", "flagged", "refused", "hostile signal_ignoring_loop", "inplace_update",
                 "Submissions that look copied", "verbatim", "same code"):
        assert text in page, f"the rendered page lacks {text!r}"
    assert "<img src=x" not in page and "&lt;img src=x" in page, "a name was not escaped"
    shot = tmp_path / "report.png"
    run = subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1400,1000",
                          report.as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    with Image.open(shot) as image:
        colors = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colors is None or len(colors) > 10, "the screenshot is blank"


# --- the whole catalog ---------------------------------------------------------------------


def test_every_kata_of_the_catalog_is_calibrated_in_the_sandbox(tmp_path):
    """Calibration observes every kata's claims on the reference in the sandbox and judges them
    here, and stops the run if the reference fails one (GradingError: a non-zero exit): the
    proof that a student who hands in the reference gets full marks on every kata, and that a
    new kata of the catalog is graded with no change to the grader. One student, one stub (the
    smallest class that calibrates): 0 for it, not flagged, every claim "not started"; the katas
    it did not hand in are missing, with no job."""
    catalog = load()
    first = catalog.modules()[0]
    cls = tmp_path / "class"
    write(cls / "one stub" / f"{first}.py", stub(first))
    out = tmp_path / "out"
    run = grade(str(cls), "--out", str(out), "--jobs", "2", "--timeout", "240")
    assert run.returncode == 0, run.stderr[-4000:]
    row = read_csv(out / "grades.csv")["one stub"]
    assert float(row["total"]) == 0 and row["status"] == "ok", row
    meta = json.loads((out / "grading.json").read_text())
    assert [s["id"] for s in meta["steps"]] == [s.id for s in catalog.steps]
    assert all(s["tests"] > 0 for s in meta["steps"])
    assert set(meta["cases"]) == set(catalog.modules()) and all(meta["cases"].values())
    assert meta["figures"]["jobs_run"] == 1
    rec = json.loads((out / meta["students"]["one stub"] / "grade.json").read_text())
    mine = [s for s in rec["steps"].values() if s["module"] == first]
    assert {t["state"] for s in mine for t in s["tests"]} == {"not started"}, mine
    assert {s["state"] for s in rec["steps"].values() if s["module"] != first} == {"missing"}


# --- beyond one machine -----------------------------------------------------------------------


def test_the_gradescope_bundle_grades_a_submission_as_gradescope_would(tmp_path):
    bundle = tmp_path / "autograder.zip"
    run = grade("--gradescope-bundle", str(bundle), "--timeout", "60")
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        assert "setup.sh" in names and "run_autograder" in names
        assert not [n for n in names if "/solutions/" in n or "/gallery/" in n
                    or "maintainers" in n or "/.git/" in n]
        assert "project/dojo/catalog.toml" in names
        assert "project/tests/test_inplace_update.py" in names
        zf.extractall(tmp_path / "autograder" / "source")
    auto = tmp_path / "autograder"
    write(auto / "submission" / "katas" / "inplace_update.py", solution("inplace_update"))
    script = auto / "source" / "run_autograder"
    script.chmod(0o755)
    run = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, timeout=900, cwd=auto,
        env={**os.environ, "AUTOGRADER_ROOT": str(auto), "DOJO_PYTHON": PY,
             "DOJO_GRADE_EXTRA": "--katas inplace_update"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((auto / "results" / "results.json").read_text())
    assert results["score"] == 10, (results.get("output"), run.stderr[-3000:])
    assert len(results["tests"]) >= 5 and {t["status"] for t in results["tests"]} == {"passed"}


def test_export_student_leaves_out_the_answers_and_works(tmp_path):
    dest = tmp_path / "course"
    run = subprocess.run([PY, "-m", "dojo.grade", "export-student", str(dest)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert not (dest / "solutions").exists() and not (dest / "gallery").exists()
    assert not (dest / "tests" / "maintainers").exists() and not (dest / ".git").exists()
    shipped = {p.stem: p.read_text(encoding="utf-8") for p in (dest / "katas").glob("*.py")}
    assert shipped == stubs.pristine()
    assert (dest / "dojo" / "catalog.toml").is_file() and (dest / "pyproject.toml").is_file()
    check = subprocess.run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/test_inplace_update.py"], cwd=dest, capture_output=True,
                           text=True, timeout=600)
    assert check.returncode == 1 and "not started" in check.stdout, check.stdout[-2000:]


def test_without_root_the_fallback_still_times_out_kills_and_flags(tmp_path):
    """What an ordinary user gets (DOJO_GRADE_AS_USER=1: no user per job, no namespaces): the
    timeout, the subreaper, the descendant tracking and the snapshot still hold, and every claim
    is still judged in the grading process. Only hostile files that are harmless to the machine
    run here (the job keeps the grader's user)."""
    cls = tmp_path / "class"
    for name in ("leftover_processes", "setsid_escape", "infinite_loop", "tamper_runner"):
        write(cls / name / "inplace_update.py", (HOSTILE / f"{name}.py").read_bytes())
    write(cls / "honest" / "inplace_update.py", solution("inplace_update"))
    out = tmp_path / "out"
    run = grade(str(cls), "--out", str(out), "--katas", "inplace_update", "--timeout", str(TIMEOUT),
                "--jobs", "2", env={"DOJO_GRADE_AS_USER": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    rows = read_csv(out / "grades.csv")
    assert rows["honest"]["inplace_update"] == "10" and rows["honest"]["status"] == "ok"
    assert rows["infinite_loop"]["status"] == "timeout: inplace_update"
    for name in ("leftover_processes", "setsid_escape", "tamper_runner"):
        assert rows[name]["status"] == "flagged: inplace_update", (name, rows[name])
    meta = json.loads((out / "grading.json").read_text())
    assert meta["sandbox"]["namespaces"] is False and meta["sandbox"]["uid"] is None
    assert not leftovers(), leftovers()
