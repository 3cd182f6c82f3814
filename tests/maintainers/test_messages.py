"""Shows what the code did: values rendered as a person writes them, errors in words (a syntax
error with its line and a caret, an exception without a message, exit()), pitfalls named in
words, Chinese without English prose, the katas' teaching order, and the `dojo:` line where a
pytest user sees it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from dojo import stubs
from dojo.catalog import load
from dojo.explain import describe
from dojo.runner import run_tests
from dojo.testing import fail, show, show_pair
from tests.maintainers.test_cli import _language_restored  # noqa: F401 (autouse)

ROOT = Path(__file__).resolve().parents[2]


# --- values ----------------------------------------------------------------------------------


def test_values_are_rendered_as_a_person_writes_them():
    assert show(torch.tensor(1.402)) == "tensor(1.402)"
    # requires_grad is not a value: shown alone, a tensor says nothing of it (a test that checks
    # it says so in words)
    assert show(torch.tensor(2.0, requires_grad=True)) == "tensor(2.0)"
    assert show([1.0, 2.5, 3]) == "[1.0, 2.5, 3]"
    assert show((0.5,)) == "(0.5,)"
    assert show(torch.tensor([1.0, 2.0])) == "tensor([1.0, 2.0]) (shape (2,))"
    assert show(list(range(10))) == "[0, 1, 2, 3, 4, 5, 6, 7, ... (10 items)]"


def test_got_and_expected_show_only_what_the_test_compares():
    """Issue 21: got and expected differ only where the error is. A dtype or requires_grad
    that differs beside different values is not what the test compared (its comparisons cast,
    and a float32 answer is accepted): showing it made learners cast to "match". Only where
    the values and shapes agree is such a difference the one that failed the test."""
    with_grad = torch.tensor([1.0, 2.0], requires_grad=True)
    plain = torch.tensor([1.0, 2.0])
    got, expected = show_pair(with_grad, plain)  # the same values: requires_grad is the point
    assert got.endswith("requires_grad=True)") and expected.endswith("requires_grad=False)")
    got, expected = show_pair(with_grad, plain.clone().requires_grad_())
    assert "requires_grad" not in got + expected  # the same on both: said on neither
    got, expected = show_pair(torch.tensor(1.40201), torch.tensor(1.40203))
    assert got != expected  # digits enough to tell them apart
    # different values: neither requires_grad nor the dtype is shown
    got, expected = show_pair(torch.tensor([3.0], requires_grad=True), torch.tensor([3.5]))
    assert (got, expected) == ("tensor([3.0]) (shape (1,))", "tensor([3.5]) (shape (1,))")
    got, expected = show_pair(torch.tensor([0.1, 2.0], dtype=torch.float64),
                              torch.tensor([0.5, 2.0]))
    assert (got, expected) == ("tensor([0.1, 2.0]) (shape (2,))",
                               "tensor([0.5, 2.0]) (shape (2,))")
    # a float32 answer beside a float64 one: alike at float32's precision, so the dtype is
    # the difference (no digits added to show float32's rounding)
    got, expected = show_pair(torch.tensor([0.1], dtype=torch.float64), torch.tensor([0.1]))
    assert (got, expected) == ("tensor([0.1]) (shape (1,), float64)",
                               "tensor([0.1]) (shape (1,), float32)")
    with pytest.raises(pytest.fail.Exception) as failed:
        fail("differs", "不同", got=torch.tensor([3.0], requires_grad=True),
             expected=torch.tensor([3.5], dtype=torch.float64))
    lines = str(failed.value).splitlines()
    assert "  got:      tensor([3.0]) (shape (1,))" in lines, lines
    assert "  expected: tensor([3.5]) (shape (1,))" in lines, lines
    from dojo import i18n

    i18n.set_lang("zh")  # a Chinese line carries no English label
    try:
        assert show_pair(torch.tensor([3.0]), torch.tensor([3.5])) == (
            "tensor([3.0]) (形状 (1,))", "tensor([3.5]) (形状 (1,))")
    finally:
        i18n.set_lang(None)


def test_exceptions_without_a_message_are_said_in_words():
    assert describe(SystemExit()) == "SystemExit (exit() or sys.exit() with no message)"
    assert describe(SystemExit(3)) == "SystemExit: 3"
    assert describe(ValueError()) == "ValueError (with no message)"
    assert describe(KeyError("w")) == "KeyError: 'w'"


def test_a_learners_exit_empty_exception_and_input_are_explained(tmp_path):
    target = stubs.write_all(tmp_path / "target")
    path = target / "inplace_update.py"
    source = stubs.pristine()["inplace_update"]
    for raiser, expected in (
        ("exit()", ["your code raised SystemExit (exit() or sys.exit() with no message)",
                    "a kata function must return its result"]),
        ("raise ValueError()", ["your code raised ValueError (with no message)"]),
        ("input('lr? ')", ["`input()`", "cannot type for it"]),
    ):
        path.write_text(source.replace('raise NotImplementedError("sgd_step")', raiser),
                        encoding="utf-8")
        outcome = run_tests(ROOT, target, ["inplace_update"], lang="en")
        first = next(t for t in outcome.tests if t["message"] and "sgd_step" in t["nodeid"])
        for phrase in expected:
            assert phrase in first["message"], (raiser, first["message"])


def test_a_syntax_error_shows_the_line_and_a_caret(tmp_path):
    target = stubs.write_all(tmp_path / "target")
    path = target / "inplace_update.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef oops(lr:\n    pass\n",
                    encoding="utf-8")
    outcome = run_tests(ROOT, target, ["inplace_update"], lang="en")
    message = outcome.tests[0]["message"]
    lines = message.splitlines()
    assert "inplace_update.py, line " in lines[0] and "SyntaxError: " in lines[0], message
    code = next(i for i, line in enumerate(lines) if line.strip() == "def oops(lr:")
    caret = lines[code + 1]
    assert set(caret.strip()) == {"^"}, message
    column = caret.index("^")
    assert lines[code][column] in "(l:", message  # under the unclosed bracket or its line
    assert outcome.steps == {"inplace_update": "broken"}


# --- names and words -------------------------------------------------------------------------


def test_did_you_mean_names_each_kata_once(capsys, tmp_path, monkeypatch):
    from dojo.catalog import UnknownStep
    from dojo.cli import main

    with pytest.raises(UnknownStep) as unknown:
        load().get("zero_gra")
    assert len(unknown.value.suggestions) == len(set(unknown.value.suggestions))
    stubs.write_all(tmp_path / "katas")
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["hint", "zero_gra", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.count("zero_grad,") + err.count("zero_grad?") == 1, err


def _explain(step: str, lang: str, capsys) -> str:
    from dojo.cli import main

    capsys.readouterr()
    assert main(["explain", step, "--lang", lang]) == 0
    return capsys.readouterr().out


@pytest.fixture
def explained(tmp_path, monkeypatch, capsys):
    stubs.write_all(tmp_path / "katas")
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    return lambda step, lang: _explain(step, lang, capsys)


def test_explain_names_every_pitfall_in_words_and_the_article(explained):
    for step in load().steps:
        out = explained(step.id, "en")
        assert step.pitfalls, step.id
        for name in step.pitfalls:
            assert step.pitfall(name, "en") in out, (step.id, name)
            assert name not in out.split("Pitfalls its tests catch")[1], (step.id, name)
        assert f"Article: {step.article['title']}" in out, step.id


ENGLISH_RUN = 4  # words in a row: a phrase or a title. Terms (autograd, DataLoader worker) and
#                  names (Andrej Karpathy) are shorter; code belongs in backticks.


def test_explain_in_chinese_has_no_english_left(explained):
    for step in load().steps:
        out = explained(step.id, "zh")
        assert "文章:" in out and "内容:" in out and "测试会抓住的陷阱" in out, out
        assert step.article_text("title", "zh") in out
        for name in step.pitfalls:  # in words, not the gallery's file names
            assert step.pitfall(name, "zh") in out and name not in out.split("测试会抓住的陷阱")[1]
        for line in out.splitlines():
            if line.startswith("    "):  # the snippet: code
                continue
            prose = re.sub(r"`[^`]*`", " ", line)  # code in backticks
            prose = re.sub(r'"[ -~]*"', " ", prose)  # a program's message, quoted as it is
            prose = re.sub(r"https?://\S+", " ", prose)  # a source's address
            prose = re.sub(r"\bdojo \w+(?: \w+)?", " ", prose)
            for run in re.findall(r"[A-Za-z][\w'-]*(?: +[A-Za-z][\w'-]*)*", prose):
                assert len(run.split()) < ENGLISH_RUN, (
                    f"{step.id}: English left under --lang zh ({run!r}): {line!r}")


GLUED = re.compile(r"[A-Za-z0-9`][\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z0-9`]")


def test_chinese_prose_keeps_its_spaces_where_the_catalog_wraps_a_line(explained):
    """Issue 21: "在 BCELoss之前": a hard-wrapped line of the catalog joined without the space
    that the house style puts between Chinese and a Latin word (as the catalog's own lines have
    it: `在 BCELoss 之前`); the notebooks' introductions read the same texts."""
    for step in load().steps:
        out = explained(step.id, "zh")
        for line in out.splitlines():
            if line.startswith("    "):  # the snippet: code
                continue
            assert not GLUED.search(line), f"{step.id}: {GLUED.search(line).group()!r} in {line!r}"
    from dojo import notebook

    for module in load().modules():
        intro = notebook.build(module, "zh").cells[0].source
        prose = re.sub(r"```.*?```", " ", intro, flags=re.S)
        prose = re.sub(r"``.*?``|`[^`]*`", "`x`", prose)  # a quoted snippet, as the article has it
        for line in prose.splitlines():
            assert not GLUED.search(line), f"{module}: {GLUED.search(line).group()!r} in {line!r}"


# --- plain pytest ----------------------------------------------------------------------------


def test_kata_tests_run_in_teaching_order_and_the_dojo_line_ends_the_output(tmp_path):
    target = stubs.write_all(tmp_path / "target")
    modules = ["tail_batches", "koans", "inplace_update"]
    outcome = run_tests(ROOT, target, modules, lang="en")
    ran = list(dict.fromkeys(t["step"] for t in outcome.tests))
    order = [s.id for s in load().steps if s.module in modules]
    assert ran == order, ran  # koans_references first, its other groups in their places
    lines = [line for line in outcome.output.splitlines() if line.strip()]
    assert re.match(r"^\d+ failed in ", lines[-1]), lines[-3:]
    assert lines[-2].startswith("dojo: 0/5 katas solved · next: koans_references"), lines[-3:]


@pytest.mark.slow
def test_python_m_dojo_without_its_dependencies_says_how_to_install_them(tmp_path):
    project = tmp_path / "p"
    stubs.write_all(project / "katas")
    (project / "tests").mkdir()
    shutil.copy2(ROOT / "conftest.py", project / "conftest.py")
    result = subprocess.run(
        [sys.executable, "-S", "-m", "dojo"],  # -S: no site-packages, so no rich, no torch
        cwd=project, capture_output=True, text=True, encoding="utf-8", timeout=60,
        env={"PYTHONPATH": str(ROOT), "DOJO_LANG": "en", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install -e ." in lines[0] and "is not installed" in lines[0]


def test_a_failure_the_dojo_explains_is_not_formatted_by_pytest_first(tmp_path, monkeypatch):
    """pytest formats a failed test's traceback before the dojo replaces it with its own message;
    a stub's "not started" skips that work (most of `dojo`'s time on a fresh workspace), and a
    failure the dojo does not reword (a test's own `fail`) keeps pytest's text."""
    from _pytest.python import Function

    formatted = []
    original = Function.repr_failure

    def counting(self, excinfo, *args, **kwargs):
        formatted.append(self.name)
        return original(self, excinfo, *args, **kwargs)

    monkeypatch.setattr(Function, "repr_failure", counting)

    class Kept:  # what the items still hold once the session is over
        held: list = []

        def pytest_sessionfinish(self, session):
            from dojo.pytest_plugin import CLASSIFIED

            self.held = [i.name for i in session.items if CLASSIFIED in i.stash]

    kept = Kept()
    stubs.write_all(tmp_path / "stubs")
    outcome = run_tests(ROOT, tmp_path / "stubs", ["inplace_update"], lang="en", plugins=[kept])
    states = {t["state"] for t in outcome.failed()}
    assert states == {"not started"}, outcome.tests
    assert all(t["message"].startswith("not started: `") for t in outcome.failed())
    assert formatted == [], f"pytest formatted {formatted} before the dojo's message replaced it"
    assert kept.held == [], f"{kept.held} still hold their failure (and every frame's tensors)"

    # a wrong answer: the tests fail through pytest.fail (the dojo's words are pytest's text)
    from dojo import gallery

    entry = next(e for e in gallery.entries(ROOT) if e.id == "inplace_update/rebinding")
    outcome = run_tests(ROOT, entry.as_target(tmp_path / "wrong"), ["inplace_update"], lang="en")
    failed = {t["nodeid"].split("::")[-1] for t in outcome.failed()}
    assert failed and set(formatted) == failed, (formatted, outcome.tests)
    assert any("did not change" in t["message"] for t in outcome.failed()), outcome.tests


def test_a_tests_own_message_carries_no_english_label(tmp_path):
    """Issue 21: pytest put "Failed: " before a test's teaching message, in its short summary
    and in the records that `dojo`, the notebooks and the grader show, also in Chinese lines."""
    from dojo import gallery

    entry = next(e for e in gallery.entries(ROOT) if e.id == "inplace_update/rebinding")
    outcome = run_tests(ROOT, entry.as_target(tmp_path / "wrong"), ["inplace_update"], lang="zh",
                        extra=["-rf"])
    assert outcome.failed() and "调用方的张量 `w` 没有变" in outcome.output, outcome.output
    assert "Failed:" not in outcome.output, outcome.output
    assert not [t for t in outcome.failed() if t["message"].startswith("Failed")], outcome.tests


FORGE_CLASSIFIED_STATE = '''
import gc

from dojo import pytest_plugin


def _passing(item):
    def repr_failure(excinfo, *args, **kwargs):
        item.stash[pytest_plugin.CLASSIFIED] = (excinfo, "passed", None)
        return "passed"

    return repr_failure


for obj in gc.get_objects():
    if type(obj).__name__ == "Function" and hasattr(obj, "stash"):
        obj.repr_failure = _passing(obj)


def sgd_step(params, lr):
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    raise NotImplementedError("decrement_all")
'''


def test_a_forged_classification_is_not_taken_for_a_pass(tmp_path):
    """The state the plugin stashes for a failure is taken only if its classifier could have
    given it: a kata file that swaps the wrapper for one that says "passed" changes nothing in
    the learner's own run (the grader never reads a job's pytest: it runs none)."""
    target = tmp_path / "target"
    shutil.copytree(ROOT / "solutions", target)
    (target / "inplace_update.py").write_text(FORGE_CLASSIFIED_STATE, encoding="utf-8")
    outcome = run_tests(ROOT, target, ["inplace_update"], lang="en")
    states = {t["state"] for t in outcome.tests}
    assert states == {"not started"}, outcome.tests
    assert outcome.steps == {"inplace_update": "not started"}, outcome.steps
