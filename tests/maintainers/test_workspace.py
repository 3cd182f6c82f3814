"""`dojo init` and `dojo solution`, in-process: what a workspace holds, that init never touches a
folder that already has katas, that the answers the package carries are the reference's. The
workspace at work, from an installed wheel outside any checkout, is in test_packaging.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from dojo import stubs, workspace
from dojo.catalog import load, read
from dojo.cli import main
from dojo.grade.core import support_files

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"", p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def test_init_writes_the_stubs_the_kata_tests_and_what_pytest_needs(tmp_path):
    dest, written = workspace.init(tmp_path / "ws")
    assert dest == tmp_path / "ws"
    on_disk = {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()}
    assert on_disk == set(written)
    katas = {p.stem: p.read_text(encoding="utf-8") for p in (dest / "katas").glob("*.py")}
    assert katas == stubs.pristine()
    expected = [*sorted((ROOT / "tests").glob("test_*.py")), *support_files(ROOT)]
    assert sorted(p.name for p in (dest / "tests").iterdir()) == sorted(p.name for p in expected)
    for path in expected:
        assert (dest / "tests" / path.name).read_bytes() == path.read_bytes(), path.name
    assert "dojo.pytest_plugin" in (dest / "conftest.py").read_text(encoding="utf-8")
    readme = (dest / "README.md").read_text(encoding="utf-8")
    assert "dojo solution" in readme and "中文" in readme
    assert ".dojo/" in (dest / ".gitignore").read_text(encoding="utf-8")
    assert not [p for p in dest.rglob("*") if p.name in ("solutions", "gallery", "maintainers")]


def test_init_counts_the_katas_as_every_other_command_does(tmp_path, capsys):
    """Issue 21: `dojo init` said "18 katas" (the files) where `dojo` and the README say 20."""
    steps = len(load().steps)
    files = len(stubs.pristine())
    assert main(["init", str(tmp_path / "ws"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"Wrote {steps} katas ({files} files)" in out, out
    assert main(["init", str(tmp_path / "ws-zh"), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert f"{steps} 个 kata({files} 个文件)" in out, out


@pytest.mark.parametrize("chosen", ["zh", "en"])
def test_a_workspace_speaks_the_language_dojo_init_was_given(chosen, tmp_path, capsys,
                                                             monkeypatch):
    """`dojo init --lang zh` gives Chinese stubs; the messages in that workspace are Chinese too,
    whatever the locale (a learner who chose Chinese at init was told English before).
    `--lang` and DOJO_LANG still decide for one run; outside the workspace the locale does."""
    from dojo import i18n

    other = "en" if chosen == "zh" else "zh"
    monkeypatch.delenv("DOJO_LANG", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8" if other == "zh" else "en_US.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    i18n.set_lang(None)
    ws = tmp_path / "ws"
    assert main(["init", str(ws), "--lang", chosen]) == 0
    capsys.readouterr()
    monkeypatch.chdir(ws / "katas")  # a folder inside the workspace counts too
    assert i18n.lang() == chosen
    assert main(["hint", "inplace_update"]) == 0
    out = capsys.readouterr().out
    assert ("提示 1/3" in out) == (chosen == "zh"), out
    i18n.set_lang(None)
    monkeypatch.setenv("DOJO_LANG", other)
    assert i18n.lang() == other
    monkeypatch.delenv("DOJO_LANG")
    monkeypatch.chdir(tmp_path)
    assert i18n.lang() == other  # outside the workspace: the locale


def test_the_workspace_pytest_ini_is_the_projects_pytest_configuration(tmp_path):
    import configparser

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = project["tool"]["pytest"]["ini_options"]
    ini = configparser.ConfigParser()
    ini.read_string(workspace.pytest_ini())
    written = {k: v.strip() for k, v in ini["pytest"].items()}
    assert set(written) == set(options)
    for key, value in options.items():
        if isinstance(value, list):
            assert written[key].splitlines() == value, key
        else:
            assert written[key] == str(value), key


def test_init_refuses_a_folder_that_holds_katas_and_touches_nothing(tmp_path, capsys):
    dest, _ = workspace.init(tmp_path / "ws")
    (dest / "katas" / "inplace_update.py").write_text("# my work\n", encoding="utf-8")
    before = snapshot(dest)
    assert main(["init", str(dest)]) == 2
    err = capsys.readouterr().err
    assert "already holds katas" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert snapshot(dest) == before


def test_init_refuses_to_write_over_any_file_of_the_learners(tmp_path, capsys):
    dest = tmp_path / "repo"
    dest.mkdir()
    (dest / "README.md").write_text("my project\n", encoding="utf-8")
    before = snapshot(dest)
    assert main(["init", str(dest), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "README.md" in err and "没有做任何修改" in err
    assert snapshot(dest) == before
    assert main(["init", str(tmp_path / "repo" / "README.md")]) == 2  # a file, not a folder
    assert snapshot(dest) == before


def test_init_leaves_nothing_behind_when_a_write_fails(tmp_path, monkeypatch):
    # the second file needs a folder where the first one is a file: the write fails midway
    monkeypatch.setattr(workspace, "files",
                        lambda lang="en": {"a.txt": b"1", "a.txt/b.txt": b"2"})
    with pytest.raises(workspace.InitError):
        workspace.init(tmp_path / "new" / "ws")
    assert not (tmp_path / "new").exists()


def test_the_package_carries_the_reference_answers_as_solutions_holds_them():
    shipped = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "solutions").glob("*.py")}
    assert stubs.solutions() == shipped, (
        "dojo/data/reference-answers/solutions.json and solutions/ differ: run `python -m dojo.stubs --freeze`"
    )
    assert stubs.SOLUTIONS.parent == stubs.ANSWERS and stubs.ANSWERS.name == "reference-answers"
    assert sorted(p.name for p in stubs.ANSWERS.iterdir() if p.name != "__pycache__") == [
        "gallery.json", "solutions.json"]


def test_every_step_says_why_its_reference_is_right_in_both_languages():
    entries = read()["kata"]
    missing = [f"{s.id}: why_solution.{lang}" for s in load().steps for lang in ("en", "zh")
               if not str(entries[s.id].get("why_solution", {}).get(lang, "")).strip()]
    assert not missing, "add to dojo/catalog.toml: " + ", ".join(missing)


def test_a_group_of_the_koans_shows_its_own_part_of_the_reference():
    source = stubs.solutions()["koans"]
    groups = [s for s in load().steps if s.is_group]
    parts = [workspace.section(source, s.id) for s in groups]
    assert all(parts), [s.id for s, p in zip(groups, parts) if not p]
    for step, part in zip(groups, parts):
        others = [s.id for s in groups if s.id != step.id]
        assert step.id in part.splitlines()[0] and not any(o in part for o in others)
    assert workspace.section(source, "no_such_group") is None


def test_solution_outside_a_project_or_for_an_unknown_kata_says_so_in_one_line(
    tmp_path, monkeypatch, capsys
):
    dest, _ = workspace.init(tmp_path / "ws")
    monkeypatch.chdir(dest)
    assert main(["solution", "inplace_updat"]) == 2
    err = capsys.readouterr().err
    assert "did you mean: inplace_update" in err and len(err.strip().splitlines()) == 1, err
    monkeypatch.setattr(stubs, "SOLUTIONS", tmp_path / "none.json")  # a student edition
    assert main(["solution", "inplace_update"]) == 1
    err = capsys.readouterr().err
    assert "no reference answers" in err and len(err.strip().splitlines()) == 1, err


def test_init_and_solution_are_dojo_commands(capsys):
    for command in ("init", "solution"):
        assert main([command, "--help"]) == 0
        out = capsys.readouterr().out
        assert f"usage: dojo {command}" in out and "--lang" in out, out


def test_the_student_edition_and_the_gradescope_bundle_leave_the_answers_out(tmp_path):
    from dojo.grade import bundle

    edition = bundle.export_student(ROOT, tmp_path / "course")
    assert (edition / "dojo" / "data" / "stubs.json").is_file()
    assert not (edition / "dojo" / "data" / stubs.ANSWERS.name).exists()
    assert not list(edition.rglob("solutions.json"))
    zipped = bundle.write_gradescope_bundle(tmp_path / "autograder.zip", ROOT)
    import zipfile

    with zipfile.ZipFile(zipped) as zf:
        assert not [n for n in zf.namelist() if "answers" in n or n.endswith("solutions.json")]
