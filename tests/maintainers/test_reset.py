"""Never loses work: `dojo reset` resets what was named (a koans group: its functions only),
every reset keeps a backup, and `dojo restore` brings one back (backing up what it replaces).
In this process, on a minimal project (katas/ and tests/)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dojo import backups, stubs
from dojo.catalog import load
from dojo.cli import main
from dojo.runner import run_tests
from tests.maintainers.test_cli import _language_restored  # noqa: F401 (autouse)

ROOT = Path(__file__).resolve().parents[2]
GROUP = "koans_autograd"


@pytest.fixture
def project(tmp_path, monkeypatch):
    stubs.write_all(tmp_path / "katas")
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def functions(source: str) -> dict[str, str]:
    tree = ast.parse(source)
    return {node.name: ast.get_source_segment(source, node) for node in tree.body
            if isinstance(node, ast.FunctionDef)}


def test_reset_of_a_koans_group_resets_its_functions_only_and_restore_undoes_it(project,
                                                                                capsys):
    koans = project / "katas" / "koans.py"
    solved = (ROOT / "solutions" / "koans.py").read_text(encoding="utf-8")
    mine = "# my notes, kept\n" + solved
    koans.write_text(mine, encoding="utf-8")
    group = load().get(GROUP)

    assert main(["reset", GROUP, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    after = koans.read_text(encoding="utf-8")
    stub = functions(stubs.pristine()["koans"])
    for name, source in functions(after).items():
        expected = stub[name] if name in group.functions else functions(mine)[name]
        assert source == expected, name
    assert after.startswith("# my notes, kept\n")  # outside the functions, byte for byte
    assert len(after.splitlines()) == len(mine.splitlines()) - sum(
        len(functions(mine)[n].splitlines()) - len(stub[n].splitlines()) for n in group.functions)
    outcome = run_tests(ROOT, project / "katas", ["koans"], lang="en")
    assert outcome.steps == {"koans_references": "solved", GROUP: "not started",
                             "koans_loops": "solved"}, outcome.steps
    (backup,) = backups.backups(project, "koans")
    assert backup.path.read_text(encoding="utf-8") == mine
    assert str(backup.path.relative_to(project)) in out and "dojo restore koans" in out

    assert main(["reset", GROUP, "--lang", "en"]) == 0  # nothing left to reset: no new backup
    assert "already the shipped stub" in capsys.readouterr().out
    assert len(backups.backups(project, "koans")) == 1

    assert main(["restore", "koans", "--lang", "en"]) == 0  # the latest backup back ...
    assert koans.read_text(encoding="utf-8") == mine
    newest = backups.backups(project, "koans")  # ... and what it replaced kept
    assert [b.path.read_text(encoding="utf-8") for b in newest] == [after, mine]
    capsys.readouterr()
    assert main(["restore", "koans", "--list", "--lang", "en"]) == 0
    listed = capsys.readouterr().out
    assert listed.index(str(newest[0].path.relative_to(project))) < listed.index(
        str(newest[1].path.relative_to(project)))
    assert main(["restore", GROUP, "1", "--lang", "en"]) == 0  # a group names its module
    assert koans.read_text(encoding="utf-8") == after


def test_a_whole_kata_reset_and_bad_requests(project, capsys):
    path = project / "katas" / "inplace_update.py"
    path.write_text("# mine\n", encoding="utf-8")
    assert main(["restore", "zero_grad", "--lang", "en"]) == 1
    assert "no backup of katas/zero_grad.py yet" in capsys.readouterr().err
    assert main(["reset", "inplace_update", "--lang", "en"]) == 0
    assert path.read_text(encoding="utf-8") == stubs.pristine()["inplace_update"]
    assert main(["restore", "inplace_update", "7", "--lang", "en"]) == 2
    assert "there are 1 backups" in capsys.readouterr().err
    assert main(["restore", "inplace_update", "--lang", "en"]) == 0
    assert path.read_text(encoding="utf-8") == "# mine\n"

    # a koans file that does not parse: the group cannot be told apart, nothing is touched
    koans = project / "katas" / "koans.py"
    broken = koans.read_text(encoding="utf-8") + "\ndef oops(:\n"
    koans.write_text(broken, encoding="utf-8")
    assert main(["reset", GROUP, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "does not parse" in err and "dojo reset koans" in err
    assert len(err.strip().splitlines()) == 1
    assert koans.read_text(encoding="utf-8") == broken
    assert backups.backups(project, "koans") == []


def test_a_group_function_the_learner_deleted_comes_back_at_the_end():
    stub = stubs.pristine()["koans"]
    group = load().get(GROUP)
    gone = group.functions[0]
    source = functions(stub)[gone]
    mine = stub.replace(source + "\n", "")
    assert gone not in functions(mine)
    back = backups.reset_functions(mine, stub, group.functions)
    assert functions(back)[gone] == source
    assert back.startswith(mine)
