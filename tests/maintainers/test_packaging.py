"""What `pip install` of the project ships, proved on the real thing: the sdist and the wheel built
from a clean copy of the checkout (`python -m build`, `twine check`), the wheel's exact contents,
and that wheel installed into a fresh venv outside any checkout giving a `dojo init` workspace in
which `dojo`, `dojo check`, `dojo watch`, `pytest`, `pytest --kata` and `dojo solution` work
(and `dojo notebook` writes notebooks from the wheel alone)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile
from pathlib import Path

import pytest

from dojo import stubs
from dojo.grade.core import support_files

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
KATA = "inplace_update"


def test_every_subpackage_of_dojo_is_shipped():
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "dojo").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= set(CONFIG["packages"]), f"add to [tool.setuptools] packages: {found - set(CONFIG['packages'])}"


# --- the wheel, built and installed ----------------------------------------------------------


def clean_copy(dest: Path) -> Path:
    """The files a clean clone has (git's tracked files, plus new ones not yet committed that git
    does not ignore), copied to `dest`."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"needs a git checkout to know its clean files ({err})")
    for rel in filter(None, listed.decode().split("\0")):
        source = ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    return dest


def expected_wheel_files(clone: Path) -> set[str]:
    """What the wheel must hold, besides its metadata: the package as the clean copy has it, and
    the kata tests with their support files under dojo/data/tests/. Found by globs, so a new
    kata's files are expected without anyone listing them."""
    found = {p.relative_to(clone).as_posix() for p in (clone / "dojo").rglob("*") if p.is_file()}
    for path in [*(clone / "tests").glob("test_*.py"), *support_files(clone)]:
        found.add(f"dojo/data/tests/{path.name}")
    return found


def fresh_venv(folder: Path) -> Path:
    """A new venv that borrows this one's third-party packages (torch, pytest, ...) through a
    .pth line; this project is not among them (a folder added by a .pth line is not scanned for
    .pth files, and the editable install is one)."""
    venv.create(folder, with_pip=False, symlinks=True)
    python = folder / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # this venv's own folders, and those its .pth lines add (a venv that borrows a shared one's
    # packages, as a git worktree's does)
    ours = dict.fromkeys([*(sysconfig.get_paths()[k] for k in ("purelib", "platlib")),
                          *(p for p in sys.path if p.endswith(("site-packages", "dist-packages"))
                            and Path(p).is_dir())])
    Path(site, "borrowed.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return python


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    clone = clean_copy(tmp / "clone")
    dist = tmp / "dist"
    run = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist),
                          str(clone)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return tmp, dist, run.stdout + run.stderr


@pytest.mark.slow
def test_build_and_twine_check_are_clean(built):
    _, dist, log = built
    assert sorted(p.suffix for p in dist.iterdir()) == [".gz", ".whl"], list(dist.iterdir())
    noise = [ln for ln in log.splitlines() if "WARNING" in ln or ln.strip() == "!!"]
    assert not noise, "\n".join(noise)
    check = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    wheel = next(dist.glob("*.whl"))
    print(f"\nwheel: {wheel.name}, {wheel.stat().st_size:,} bytes")


@pytest.mark.slow
def test_the_wheel_holds_exactly_what_a_workspace_needs(built):
    tmp, dist, _ = built
    expected = expected_wheel_files(tmp / "clone")
    with zipfile.ZipFile(next(dist.glob("*.whl"))) as whl:
        names = {n for n in whl.namelist() if ".dist-info/" not in n}
        assert names == expected, (
            f"missing: {sorted(expected - names)}\nunexpected: {sorted(names - expected)}")
        for name in names:
            if name.startswith("dojo/data/tests/"):
                assert whl.read(name) == (ROOT / "tests" / Path(name).name).read_bytes(), name
        shipped = json.loads(whl.read("dojo/data/reference-answers/solutions.json"))
        scripts = whl.read(next(n for n in whl.namelist() if n.endswith("entry_points.txt")))
    assert shipped == {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "solutions").glob("*.py")}
    assert b"dojo = dojo.cli:main" in scripts
    assert not [n for n in names if n.split("/")[0] in ("katas", "solutions", "gallery", "tests")]
    assert not [n for n in names if "gallery/" in n or "/maintainers/" in n or "/benchmarks/" in n]


def say(python: Path, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    bin_dir = python.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DOJO_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", DOJO_LANG="en", NO_COLOR="1",
               PYTHONIOENCODING="utf-8", COLUMNS="200")
    command = [str(bin_dir / args[0]), *args[1:]] if args[0] in ("dojo", "python") else list(args)
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                         encoding="utf-8", timeout=timeout)
    run.all = run.stdout + run.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in run.all, run.all
    return run


def watch_once(python: Path, workspace: Path) -> str:
    """`dojo watch KATA` until its first verdict, then Ctrl-C: its whole output."""
    bin_dir = python.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DOJO_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", DOJO_LANG="en", NO_COLOR="1",
               PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([str(bin_dir / "dojo"), "watch", KATA], cwd=workspace, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            encoding="utf-8", stdin=subprocess.DEVNULL)
    lines = []
    try:
        end = time.monotonic() + 240
        for line in proc.stdout:
            lines.append(line)
            if "checked in" in line or time.monotonic() > end:
                break
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
    return "".join(lines) + (rest or "")


@pytest.mark.slow
def test_the_installed_wheel_gives_a_working_workspace_outside_any_checkout(built):
    tmp, dist, _ = built
    python = fresh_venv(tmp / "venv")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                              "--no-deps", "--no-index", str(next(dist.glob("*.whl")))],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    outside = tmp / "home"
    outside.mkdir()
    where = say(python, outside, "python", "-c", "import dojo; print(dojo.__file__)")
    assert Path(where.stdout.strip()).is_relative_to(tmp / "venv"), where.all

    notebooks = say(python, outside, "dojo", "notebook", KATA, "--out", "nb")
    assert notebooks.returncode == 0 and (outside / "nb" / f"{KATA}.ipynb").is_file(), notebooks.all

    made = say(python, outside, "dojo", "init", "katas")
    ws = outside / "katas"
    assert made.returncode == 0 and (ws / "katas" / f"{KATA}.py").is_file(), made.all
    assert not (ws / "solutions").exists() and not (ws / "gallery").exists()

    listed = say(python, ws, "dojo")
    assert listed.returncode == 0 and "Next: koans_references" in listed.all, listed.all
    check = say(python, ws, "dojo", "check", KATA)
    assert check.returncode == 1 and "not started" in check.all, check.all
    early = say(python, ws, "dojo", "solution", KATA)
    assert early.returncode == 1 and "Not yet" in early.all and "def sgd_step" not in early.all

    answer = stubs.solutions()[KATA]
    (ws / "katas" / f"{KATA}.py").write_text(answer, encoding="utf-8")
    kata = say(python, ws, "python", "-m", "pytest", "--kata", KATA)
    assert kata.returncode == 0 and "dojo: 1/1 katas solved" in kata.all, kata.all[-2000:]
    shown = say(python, ws, "dojo", "solution", KATA)
    assert shown.returncode == 0 and "def sgd_step" in shown.all and "Why it is right" in shown.all
    watched = watch_once(python, ws)
    assert "✓" in watched and KATA in watched and "Traceback" not in watched, watched

    # issue 21: everything the workspace offers works in it
    shown = say(python, ws, "dojo", "show", KATA)
    assert shown.returncode == 0 and "reference:" in shown.all and "rebinding:" in shown.all, \
        shown.all
    assert (ws / ".dojo" / "show" / f"{KATA}.png").is_file()
    trained = say(python, ws, "dojo", "train", "mnist", "--subset", "--device", "cpu")
    assert trained.returncode == 1 and "--target solutions" in trained.all, trained.all
    zh = say(python, outside, "dojo", "init", "katas-zh", "--lang", "zh")
    assert zh.returncode == 0, zh.all
    assert (outside / "katas-zh" / "katas" / f"{KATA}.py").read_text(encoding="utf-8") == \
        stubs.pristine("zh")[KATA]
    # `dojo grade` from a pip install: the package's own tests, without --project
    student = outside / "class" / "ada"
    student.mkdir(parents=True)
    (student / f"{KATA}.py").write_text(answer, encoding="utf-8")
    graded = say(python, outside, "dojo", "grade", "class", "--out", "graded", "--katas", KATA,
                 "--jobs", "1", "--quiet", timeout=600)
    assert graded.returncode == 0, graded.all
    grades = (outside / "graded" / "grades.csv").read_text(encoding="utf-8-sig")
    assert "ada," in grades and ",10," in grades, grades


@pytest.mark.slow
def test_the_student_edition_builds_a_wheel_without_the_answers(tmp_path):
    from dojo.grade import bundle

    edition = bundle.export_student(ROOT, tmp_path / "course")
    run = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir",
                          str(tmp_path / "dist"), str(edition)], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl"))) as whl:
        names = whl.namelist()
    assert "dojo/data/stubs.json" in names
    assert not [n for n in names if stubs.ANSWERS.name in n or n.endswith("solutions.json")]
