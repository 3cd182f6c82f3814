"""The learner's `dojo` command, end to end: the real command (`python -m dojo`) in a copy of the
project, as a learner would run it. Each subprocess pays torch's import (two seconds of CPU), so
the steps that belong together share one test, and each command is run for real at least once:
the steps after that call the same `main` in this process (`here`), with the same environment."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dojo import stubs

pytestmark = pytest.mark.slow  # end-to-end: real processes, seconds each

ROOT = Path(__file__).resolve().parents[2]
KATA = "inplace_update"


def copy_project(dest: Path) -> Path:
    """A learner's checkout: katas, solutions, tests (without the maintainers' suites), gallery,
    conftest.py, pyproject.toml. The dojo package itself comes from this checkout (PYTHONPATH),
    as it would from `pip install -e .`."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", "maintainers",
                                    "benchmarks")
    for name in ("katas", "solutions", "tests", "gallery"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, dest / name)
    # the shipped stubs, whatever the checkout's katas/ holds (a maintainer's own work)
    for name, source in stubs.pristine().items():
        (dest / "katas" / f"{name}.py").write_text(source, encoding="utf-8")
    return dest


PLAIN = {"NO_COLOR": "1", "COLUMNS": "200"}  # output a test can read: no colours, long lines


def env(lang: str = "en", **extra) -> dict:
    out = dict(os.environ)
    out.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), out.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        DOJO_LANG=lang,
        PYTHONIOENCODING="utf-8",
        **PLAIN,
    )
    out.pop("DOJO_DEBUG", None)
    out.update(extra)
    return out


def dojo(project: Path, *args: str, lang: str = "en", timeout: float = 240, **extra):
    result = subprocess.run(
        [sys.executable, "-m", "dojo", *args],
        cwd=project,
        env=env(lang, **extra),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    result.all = result.stdout + result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.all, result.all
    return result


@pytest.fixture
def here(project, capsys, monkeypatch):
    """`dojo ARGS` in this process: `main(ARGS)` as `python -m dojo` calls it, in the project,
    with the variables `dojo()` gives a subprocess; its exit code and what it printed, read the
    same way. A check still runs the kata's tests in a child process (forked from this one,
    which has torch already)."""
    from types import SimpleNamespace

    from dojo import i18n
    from dojo.cli import main

    monkeypatch.chdir(project)

    def solutions() -> list[str]:
        return [n for n in sys.modules if n == "solutions" or n.startswith("solutions.")]

    # `dojo show` imports this copy's solutions as `solutions.*`: this process's own come back
    mine = {n: sys.modules[n] for n in solutions()}

    def run(*args: str, lang: str = "en", **extra):
        for name, value in {"DOJO_LANG": lang, **PLAIN, **extra}.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("DOJO_DEBUG", raising=False)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        finally:
            i18n.set_lang(None)
        out, err = capsys.readouterr()
        result = SimpleNamespace(returncode=code, stdout=out, stderr=err, all=out + err)
        assert "Traceback" not in result.all, result.all
        return result

    yield run
    for name in solutions():
        del sys.modules[name]
    sys.modules.update(mine)


def solve(project: Path, kata: str = KATA) -> None:
    shutil.copyfile(project / "solutions" / f"{kata}.py", project / "katas" / f"{kata}.py")


def wrong(project: Path, entry: str, kata: str = KATA) -> None:
    """A gallery entry as the learner's file (it imports the rest from the reference)."""
    shutil.copyfile(ROOT / "gallery" / kata / f"{entry}.py", project / "katas" / f"{kata}.py")


def progress(project: Path) -> dict:
    return json.loads((project / ".dojo" / "progress.json").read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "katas-copy")


@pytest.fixture(autouse=True)
def _language_restored():
    from dojo import i18n

    yield
    i18n.set_lang(None)


# --- list and check ---------------------------------------------------------------------------


def test_list_then_check_before_and_after_solving(project, here):
    from dojo.catalog import load

    steps = [s.id for s in load().steps]
    # the list runs every kata that has tests: two are enough here (the others read "no tests";
    # test_stubs.py runs them all in-process)
    for path in (project / "tests").glob("test_*.py"):
        if path.stem[5:] not in (KATA, "koans"):
            path.unlink()

    listed = dojo(project, "list")
    assert listed.returncode == 0, listed.all
    for step in steps:
        assert step in listed.stdout
    assert f"0/{len(steps)} solved" in listed.stdout
    assert "not started" in listed.stdout
    assert "Next: " in listed.stdout and "dojo check " in listed.stdout

    before = here("check", KATA)
    assert before.returncode == 1, before.all
    assert "not started" in before.stdout
    assert f"katas/{KATA}.py" in before.stdout
    assert f"dojo hint {KATA}" in before.stdout

    wrong(project, "rebinding")
    failing = here("check", KATA)
    assert failing.returncode == 1, failing.all
    assert "failing" in failing.stdout
    assert "did not change" in failing.stdout  # the first failure's teaching message ...
    assert len(failing.stdout.splitlines()) < 30  # ... not a wall of pytest output
    assert "short test summary" not in failing.stdout

    solve(project)
    after = dojo(project, "check", KATA)
    assert after.returncode == 0, after.all
    assert "solved" in after.stdout
    assert "Next: " in after.stdout

    relisted = here("list")
    assert f"1/{len(steps)} solved" in relisted.stdout, relisted.stdout
    line = next(ln for ln in relisted.stdout.splitlines() if re.search(rf"\b{KATA}\b", ln))
    assert "solved" in line
    assert progress(project)["states"][KATA]["state"] == "solved"


def test_check_without_a_name_checks_the_next_unsolved_kata(project, here):
    from dojo.catalog import load

    first = next(s for s in load().steps if (project / "tests" / f"test_{s.module}.py").exists())
    result = here("check")
    assert result.returncode == 1, result.all
    assert first.id in result.stdout


# --- hints, explain, reset -------------------------------------------------------------------


def test_hint_is_progressive_and_recorded(project):
    from dojo.catalog import load

    hints = load().get(KATA).hint_list("en")
    one = dojo(project, "hint", KATA)
    assert one.returncode == 0, one.all
    assert f"Hint 1/{len(hints)}" in one.stdout and hints[0][:40] in one.stdout
    two = dojo(project, "hint", KATA)
    assert f"Hint 2/{len(hints)}" in two.stdout and hints[1][:40] in two.stdout
    assert "Hint 1/" not in two.stdout
    assert progress(project)["hints"][KATA] == 2

    from dojo.cli import main

    cwd = os.getcwd()
    os.chdir(project)
    try:
        assert main(["hint", KATA, "--all", "--lang", "en"]) == 0
        assert main(["explain", KATA, "--lang", "en"]) == 0
    finally:
        os.chdir(cwd)
    assert progress(project)["hints"][KATA] == 2  # --all shows, does not advance
    assert ".dojo/" in (ROOT / ".gitignore").read_text()  # the progress file stays local


def test_hint_all_and_explain_say_what_they_should(project, capsys, monkeypatch):
    from dojo.catalog import load
    from dojo.cli import main

    monkeypatch.chdir(project)
    step = load().get(KATA)
    assert main(["hint", KATA, "--lang", "en"]) == 0
    assert main(["hint", KATA, "--lang", "en"]) == 0
    capsys.readouterr()
    assert main(["hint", KATA, "--all", "--lang", "en"]) == 0
    shown = capsys.readouterr().out
    assert "Hint 1/" in shown and "Hint 2/" in shown and "Hint 3/" not in shown
    assert main(["explain", KATA, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert step.text("title", "en") in out
    assert step.article["title"] in out
    assert "Why it matters" in out and "The concept" in out
    assert step.snippet.split()[0] in out


def test_reset_restores_the_stub_and_keeps_a_named_backup(project):
    mine = project / "katas" / f"{KATA}.py"
    mine.write_text("# my own attempt\n" + mine.read_text(encoding="utf-8"), encoding="utf-8")
    mine_text = mine.read_text(encoding="utf-8")

    result = dojo(project, "reset", KATA)
    assert result.returncode == 0, result.all
    assert mine.read_text(encoding="utf-8") == stubs.pristine()[KATA]
    named = re.search(r"(\.dojo/backups/\S+\.py)", result.stdout)
    assert named, result.stdout
    backup = project / named.group(1)
    assert backup.read_text(encoding="utf-8") == mine_text
    assert progress(project)["backups"][-1]["path"] == named.group(1)

    again = dojo(project, "reset", KATA)
    assert "already the shipped stub" in again.stdout
    assert len(list((project / ".dojo" / "backups").iterdir())) == 1


# --- show -------------------------------------------------------------------------------------


def _png(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return width, height


def test_show_draws_a_real_png_of_the_pitfall(project):
    result = dojo(project, "show", KATA)
    assert result.returncode == 0, result.all
    path = re.search(r"picture: (\S+\.png)", result.stdout)
    assert path, result.stdout
    png = project / path.group(1)
    width, height = _png(png)
    assert width > 400 and height > 300
    assert png.parent == project / ".dojo" / "show"
    # the reference and every wrong answer of the gallery, each with what happened to it
    assert "reference:" in result.stdout
    for entry in ("rebinding", "grad_not_cleared", "leaf_outside_no_grad"):
        assert entry in result.stdout
    assert "raised RuntimeError" in result.stdout  # the leaf updated outside no_grad

    nothing = dojo(project, "show", "leaf_tensors")
    assert nothing.returncode == 1
    assert "nothing to plot" in nothing.stdout


# --- Chinese ----------------------------------------------------------------------------------


def test_chinese_everywhere(project, here):
    checked = here("check", KATA, lang="zh")
    assert checked.returncode == 1
    assert "尚未开始" in checked.stdout
    assert "提示" in checked.stdout or "卡住了" in checked.stdout

    hinted = dojo(project, "hint", KATA, "--lang", "zh", lang="en")  # --lang beats DOJO_LANG
    assert "提示 1/" in hinted.stdout

    shown = here("show", KATA, lang="zh")
    assert shown.returncode == 0, shown.all
    path = re.search(r"图片:(\S+\.png)", shown.stdout)
    assert path, shown.stdout
    _png(project / path.group(1))
    from dojo.show import cjk_font

    if cjk_font() is None:  # English labels, and a note that says why
        assert "fonts-noto-cjk" in shown.all
    else:
        assert path.group(1).endswith(".zh.png")


def test_chinese_comes_from_the_locale(project, capsys, monkeypatch):
    from dojo import i18n
    from dojo.cli import main

    monkeypatch.chdir(project)
    monkeypatch.delenv("DOJO_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    try:
        assert main(["explain", KATA]) == 0
        assert "为什么重要" in capsys.readouterr().out
        monkeypatch.setenv("DOJO_LANG", "en")
        assert main(["explain", KATA]) == 0
        assert "Why it matters" in capsys.readouterr().out
    finally:
        i18n.set_lang(None)


def test_show_falls_back_to_english_labels_without_a_cjk_font(project, here):
    shown = here("show", KATA, lang="zh", DOJO_NO_CJK_FONT="1")
    assert shown.returncode == 0, shown.all
    assert "fonts-noto-cjk" in shown.all
    _png(project / ".dojo" / "show" / f"{KATA}.png")


# --- bad input: one clear line, a way out, no traceback, nothing lost ------------------------


def test_bad_input_gets_one_clear_line(project):
    unknown = dojo(project, "check", "inplace_updat")
    assert unknown.returncode == 2
    assert "did you mean: inplace_update" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1

    # a kata file that does not import: its check says where, the file stays as it is
    broken = project / "katas" / f"{KATA}.py"
    text = broken.read_text(encoding="utf-8") + "\ndef oops(:\n"
    broken.write_text(text, encoding="utf-8")
    result = dojo(project, "check", KATA)
    assert result.returncode == 1
    assert "does not import" in result.stdout or "broken" in result.stdout
    assert "SyntaxError" in result.stdout and "line" in result.stdout
    assert broken.read_text(encoding="utf-8") == text

    # a corrupt progress file: moved aside (named), a fresh one started
    (project / ".dojo").mkdir(exist_ok=True)
    (project / ".dojo" / "progress.json").write_text("{not json", encoding="utf-8")
    hinted = dojo(project, "hint", KATA)
    assert hinted.returncode == 0, hinted.all
    assert "progress.json.corrupt-" in hinted.stderr
    aside = list((project / ".dojo").glob("progress.json.corrupt-*"))
    assert aside and aside[0].read_text(encoding="utf-8") == "{not json"
    assert progress(project)["hints"][KATA] == 1

    # no katas/ folder: one line that says how to get it back, and the way out works
    shutil.move(project / "katas", project / "katas-moved")
    missing = dojo(project, "list")
    assert missing.returncode == 2
    assert "dojo reset --all" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    restored = dojo(project, "reset", "--all")
    assert restored.returncode == 0, restored.all
    assert (project / "katas" / f"{KATA}.py").read_text(encoding="utf-8") == stubs.pristine()[KATA]


def test_bad_input_in_process(project, capsys, monkeypatch):
    from dojo.cli import main

    monkeypatch.chdir(project)
    assert main(["chekc", "--lang", "en"]) == 2
    assert "did you mean: check" in capsys.readouterr().err
    assert main([KATA, "--lang", "en"]) == 2
    assert f"dojo check {KATA}" in capsys.readouterr().err
    assert main(["hint", "no_such_kata", "--lang", "en"]) == 2
    assert "no kata named" in capsys.readouterr().err
    assert main(["reset", "--lang", "en"]) == 2
    monkeypatch.chdir(project.parent)
    outside = project.parent / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setattr("dojo.checking.find_project", lambda: None)
    assert main(["hint", KATA, "--lang", "en"]) == 2
    assert "no katas here" in capsys.readouterr().err


# --- extensibility ---------------------------------------------------------------------------


def test_other_commands_plug_in_and_missing_ones_are_left_out(monkeypatch, capsys):
    from dojo import cli

    monkeypatch.setattr(cli, "EXTENSIONS", ("dojo.no_such_extension", *cli.EXTENSIONS))
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["--help"])
    assert exit_.value.code == 0
    listed = capsys.readouterr().out
    for command in ("list", "check", "watch", "hint", "explain", "reset", "show"):
        assert command in listed
    for module, command in (("dojo.grade", "grade"), ("dojo.notebook", "notebook"),
                            ("dojo.train_mnist", "train")):
        try:
            __import__(module)
        except ImportError:
            continue
        assert command in listed
