"""What leaves the repository: the student edition and the Gradescope autograder bundle.

Both are built by walking the project's files (never from git: a course may run from a zip), and
both leave out the answers: solutions/, the pitfall gallery, the maintainers' own tests.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path

from dojo import stubs

# never copied anywhere a student or a submission can see
PRIVATE = {"solutions", "gallery"}
SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".hypothesis",
             ".benchmarks", "build", "dist", ".dojo", ".mypy_cache", ".ruff_cache",
             ".ipynb_checkpoints", ".whl", ".gl", "node_modules"}
SKIP_TOP = {"data"}  # the MNIST download (ignored by git)
ANSWERS = stubs.ANSWERS.name  # dojo/data/reference-answers/: never in the student edition nor a bundle


def _walk(project: Path, *, benchmarks: bool = True):
    """Relative paths of the project's files, minus caches, environments and answers."""
    project = Path(project).resolve()
    for dirpath, dirnames, filenames in os.walk(project):
        rel = Path(dirpath).relative_to(project)
        keep = []
        for name in sorted(dirnames):
            if name in SKIP_DIRS or name.endswith(".egg-info"):
                continue
            if rel == Path(".") and (name in PRIVATE or name in SKIP_TOP):
                continue
            if rel == Path("tests") and name == "maintainers":
                continue
            if rel == Path("tests") and name == "benchmarks" and not benchmarks:
                continue
            if rel == Path(".") and name == ".ci":
                continue  # the maintainers' CI runs `pytest --target solutions`
            if rel == Path("dojo/data") and name == ANSWERS:
                continue  # the reference answers that `dojo solution` shows (dojo.stubs.ANSWERS)
            keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")) or name.startswith(".coverage"):
                continue
            if name == ".git":
                continue  # a git worktree's pointer to its repository (a file, not a folder)
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            yield (rel / name)


def export_student(project: Path, dest: Path, force: bool = False) -> Path:
    """The student edition: the project without solutions/, gallery/, the maintainers' suite
    and the grader's notes; katas/ holds the pristine stubs."""
    project = Path(project).resolve()
    dest = Path(dest).resolve()
    if dest == project or project in dest.parents:
        raise FileExistsError(f"{dest} is inside the project; choose a folder outside it")
    if dest.exists() and any(dest.iterdir()) and not force:
        raise FileExistsError(f"{dest} exists and is not empty (use --force)")
    dest.mkdir(parents=True, exist_ok=True)
    for rel in _walk(project):
        if rel.parts[0] == "katas":
            continue
        if rel.as_posix() in ("docs/grading.md", "docs/grading-figures.json"):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project / rel, target)
    stubs.write_all(dest / "katas")
    from dojo.student import README  # a student's README: the maintainers' needs solutions/

    (dest / "README.md").write_text(README, encoding="utf-8")
    for name in ("solutions", "gallery"):
        shutil.rmtree(dest / name, ignore_errors=True)
    return dest


SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
# CPU wheels of torch: the grader runs on CPU (one thread per job)
/autograder/venv/bin/pip install -q -c project/constraints.txt \\
    --extra-index-url https://download.pytorch.org/whl/cpu ./project
/autograder/venv/bin/python -c "import torch, dojo.grade; print('torch', torch.__version__)"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission, in its own container: the same `dojo grade` as on
# an instructor's laptop, over one submission (--one), with the bundle's pristine tests.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PY="${{DOJO_PYTHON:-$ROOT/venv/bin/python}}"
SRC="$ROOT/source"
mkdir -p "$ROOT/results"
cd "$SRC/project"
"$PY" -m dojo.grade "$ROOT/submission" --one --out "$ROOT/dojo-out" --project "$SRC/project" \\
    --jobs {jobs} --timeout {timeout:g} --memory-mb {memory_mb} --force \\
    --results-json "$ROOT/results/results.json" ${{DOJO_GRADE_EXTRA:-}}
rc=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  echo '{{"score": 0, "output": "The autograder could not grade this submission; tell your instructor."}}' \\
    > "$ROOT/results/results.json"
fi
exit 0
"""

README = """dojo grade: Gradescope autograder bundle
=========================================

Upload this zip as the autograder of a "Programming Assignment" (Ubuntu base image). Students
hand in their katas/ files (or the whole folder, or a zip). setup.sh installs Python, torch (CPU)
and this project (from project/, which carries the pristine tests and the catalog); run_autograder
runs `dojo grade --one` on /autograder/submission and writes /autograder/results/results.json.

Built from the project version {version}, tests {tests_hash}.
"""


def write_gradescope_bundle(path: Path, project: Path, *, timeout: float = 60,
                            memory_mb: int = 3072, jobs: int = 2) -> Path:
    from dojo import __version__
    from dojo.catalog import load
    from dojo.grade.core import tests_hash

    project = Path(project).resolve()
    catalog = load()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    files = [rel for rel in _walk(project, benchmarks=False)
             if rel.parts[0] in ("dojo", "tests") or rel.as_posix() in
             ("pyproject.toml", "constraints.txt", "README.md", "conftest.py", "LICENSE")]

    def add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
        zf.writestr(info, data)

    with zipfile.ZipFile(path, "w") as zf:
        add(zf, "setup.sh", SETUP_SH.encode(), executable=True)
        add(zf, "run_autograder",
            RUN_AUTOGRADER.format(jobs=jobs, timeout=timeout, memory_mb=memory_mb).encode(),
            executable=True)
        add(zf, "README.txt", README.format(
            version=__version__,
            tests_hash=tests_hash(project, catalog.modules(), catalog)).encode())
        for rel in files:
            add(zf, f"project/{rel.as_posix()}", (project / rel).read_bytes())
        for name, source in sorted(stubs.pristine().items()):
            add(zf, f"project/katas/{name}.py", source.encode("utf-8"))
    return path
