"""Where the katas are, each edition says what works there (issue 21): `dojo grade` from a pip
install grades with the tests the package carries; the student edition gets a student's README
whose commands work there; the documents name only commands that exist. In-process."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from dojo import paths
from dojo.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def commands() -> set[str]:
    return set(build_parser().dojo_commands)


# --- dojo grade: the installed package's own tests -------------------------------------------


def test_grade_from_a_pip_install_defaults_to_the_packages_own_tests(tmp_path, monkeypatch):
    """Issue 21: `dojo grade` outside a checkout said "no project with tests/ found; give
    --project", and no document said which project. An installed package carries the kata
    tests (dojo/data/tests/): they are the default."""
    from dojo import grade

    data = tmp_path / "site-packages" / "dojo" / "data"
    (data / "tests").mkdir(parents=True)
    (data / "tests" / "test_inplace_update.py").write_text("", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(paths, "checkout", lambda: None)
    monkeypatch.setattr(paths, "DATA", data)
    assert grade._default_project() == data


def test_grade_without_any_tests_says_what_to_give(tmp_path, monkeypatch, capsys):
    from dojo import grade

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(paths, "checkout", lambda: None)
    monkeypatch.setattr(paths, "DATA", tmp_path / "no-data")
    assert grade.main(["grade", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--project DIR" in err and "tests/" in err and len(err.strip().splitlines()) == 1, err


# --- the student edition ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    from dojo.grade import bundle

    return bundle.export_student(ROOT, tmp_path_factory.mktemp("edition") / "course")


def code_lines(markdown: str) -> list[str]:
    """The shell lines of a document's ```bash blocks (comments cut)."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", markdown, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def test_the_student_edition_has_a_students_readme(edition):
    """Issue 21: the student edition shipped the maintainers' README, whose second command
    (`pytest --target solutions`) fails there: it has no solutions."""
    readme = (edition / "README.md").read_text(encoding="utf-8")
    assert "--target solutions" not in readme and "For maintainers" not in readme, readme
    assert "中文" in readme
    assert not (edition / "solutions").exists()
    lines = code_lines(readme)
    assert lines, readme
    known = commands()
    for line in lines:
        for part in line.split("&&"):
            words = shlex.split(part)
            if words and words[0] == "dojo" and len(words) > 1 and not words[1].startswith("-"):
                assert words[1] in known, (words[1], line)
    # what the edition cannot do without answers is not offered
    for word in ("dojo solution", "dojo show"):
        assert word not in "\n".join(lines), word


# --- the documents name commands that exist --------------------------------------------------


DOCUMENTS = ["README.md", "docs/grading.md", "docs/workshop.md", "docs/CONTRIBUTING.md"]


def test_every_dojo_command_the_documents_name_exists():
    """Issue 21: the README called the student edition `dojo grade export-student` (it is
    `dojo export-student`): a command named inside another one's arguments."""
    from dojo import student, workspace

    known = commands()
    texts = {name: (ROOT / name).read_text(encoding="utf-8") for name in DOCUMENTS}
    texts["dojo init's README"] = workspace.README
    texts["the student edition's README"] = student.README
    for name, text in texts.items():
        for command in re.findall(r"`(dojo [^`]*)`", text) + [
                ln for ln in code_lines(text) if ln.startswith("dojo ")]:
            words = command.split()
            if len(words) < 2 or words[1].startswith(("-", "[")) or words[1].isupper():
                continue
            assert words[1] in known, f"{name}: `{command}` names no command"
            assert not [w for w in words[2:] if w in known and w != words[1]], (
                f"{name}: `{command}` names a command inside another one")
