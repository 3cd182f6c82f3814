"""A broken environment is named as such, with the fix, and never taken for the learner's kata
(issue 21: a torch/torchvision mismatch, "operator torchvision::nms does not exist", read as a
failing mnist kata with "Stuck? dojo hint mnist", and that state stayed cached after the install
was fixed). In-process: the mismatch is played by an import of torchvision that raises as the
real one does."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from pathlib import Path

import pytest

from dojo import stubs
from dojo.runner import run_tests

ROOT = Path(__file__).resolve().parents[2]
KATA = "inplace_update"
MISMATCH = "operator torchvision::nms does not exist"


class _Mismatched(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`import torchvision` raises as it does when torchvision was built for another torch."""

    def find_spec(self, name, path=None, target=None):
        if name == "torchvision" or name.startswith("torchvision."):
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise RuntimeError(MISMATCH)


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Each test speaks English unless it asks for Chinese: a test run before it in the same
    worker (a Chinese run, a Chinese workspace) must not choose its language."""
    from dojo import i18n

    i18n.set_lang("en")
    yield
    i18n.set_lang(None)


@pytest.fixture
def mismatched(monkeypatch):
    for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_Mismatched(), *sys.meta_path])


TESTS = '''KATA = "inplace_update"


def test_the_data(kata):
    from torchvision import datasets  # as dojo.mnist_data does, inside a test


def test_the_kata(kata):
    assert kata.sgd_step is not None
'''

KATA_IMPORTS_IT = "import torchvision\n"


def run(tmp_path, kata_source: str, lang: str = "en"):
    target = tmp_path / "target"
    target.mkdir()
    (target / f"{KATA}.py").write_text(kata_source, encoding="utf-8")
    # a folder of its own name: this process has imported other test_inplace_update modules
    tests = tmp_path / f"tests_{tmp_path.name}"
    tests.mkdir()
    (tests / f"test_{KATA}.py").write_text(TESTS, encoding="utf-8")
    return run_tests(tmp_path, target, [KATA], tests=tests, lang=lang,
                     extra=["--import-mode=importlib"])


def test_an_import_of_a_dependency_that_fails_is_the_environment_not_the_kata(tmp_path,
                                                                              mismatched):
    outcome = run(tmp_path, stubs.solutions()[KATA])
    states = {t["nodeid"].split("::")[-1]: t["state"] for t in outcome.tests}
    assert states == {"test_the_data": "environment", "test_the_kata": "passed"}, outcome.tests
    assert outcome.steps == {KATA: "environment"}
    message = next(t["message"] for t in outcome.tests if t["state"] == "environment")
    assert "not your code" in message and MISMATCH in message, message
    assert "torch" in message and "torchvision" in message and "do not match" in message, message
    assert "pip install" in message, message  # the fix
    assert "dojo hint" not in message


def test_a_kata_file_whose_import_of_a_dependency_fails_is_not_broken(tmp_path, mismatched):
    outcome = run(tmp_path, KATA_IMPORTS_IT + stubs.solutions()[KATA], lang="zh")
    assert outcome.steps == {KATA: "environment"}, outcome.tests
    message = next(t["message"] for t in outcome.tests if t["state"] == "environment")
    assert "不是你的代码" in message and "pip install" in message, message


def test_the_learners_own_import_mistake_is_still_theirs(tmp_path):
    """A submodule that does not exist is a typo in the kata file, not a broken install."""
    outcome = run(tmp_path, "import torch.nn.functionall\n" + stubs.solutions()[KATA])
    assert outcome.steps == {KATA: "broken"}, outcome.tests


def test_an_environment_verdict_is_not_recorded_and_offers_no_hint(tmp_path, capsys):
    from dojo import checking, ui
    from dojo.catalog import load
    from dojo.progress import Progress, fingerprint

    project = tmp_path / "project"
    stubs.write_all(project / "katas")
    (project / "tests").mkdir()
    (project / "tests" / f"test_{KATA}.py").write_text(TESTS, encoding="utf-8")
    cat = load()
    progress = Progress(project)
    verdict = ui.Verdict(step=KATA, state="environment", passed=1, total=2,
                         message=f"the Python environment is broken, not your code: {MISMATCH}",
                         test="test_the_data")
    checking.record(project, progress, cat, [verdict])
    assert progress.cached_state(KATA, fingerprint(project, KATA)) is None
    checking.show_verdict(project, cat, progress, verdict)
    out = capsys.readouterr().out
    assert MISMATCH in out and "dojo hint" not in out and "Stuck?" not in out, out
    assert ui.state_label("environment") == "the environment is broken"


def test_the_cached_states_depend_on_the_installed_torch(tmp_path, monkeypatch):
    """A state cached under one torch/torchvision is not trusted under another (a fixed install
    checks again)."""
    from dojo import progress

    stubs.write_all(tmp_path / "katas")
    (tmp_path / "tests").mkdir()
    before = progress.fingerprint(tmp_path, KATA)
    monkeypatch.setattr(progress, "installed", lambda: "torch 0.0 torchvision 0.0")
    assert progress.fingerprint(tmp_path, KATA) != before
