"""The proof that the kata tests have teeth: every wrong answer of the pitfall gallery is
rejected, with the phrase its entry promises. Run in this process (pytest inside pytest), since
a new interpreter per entry would pay torch's import each time."""

from pathlib import Path

import pytest
import torch
from hypothesis import settings

from dojo import gallery
from dojo.catalog import load
from dojo.pytest_plugin import _message
from dojo.runner import run_tests

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = gallery.entries(ROOT)
# Each entry only needs to be rejected: fewer hypothesis examples, no slow training, no
# unraisable-exception plugin (its forced garbage collections were 40% of an entry's time), and
# only the plugins the kata tests use (loading every installed one was 15% of an entry's time).
# (pytest-benchmark, needed by the ini's addopts, ran `git` at every start: addopts is cleared.)
# pytest's own plugins that a kata test never uses are left out too: registering a plugin parses
# it for fixtures, about a tenth of an entry's time for the eleven below.
UNUSED = ("legacypath", "pastebin", "doctest", "setuponly", "setupplan", "stepwise",
          "threadexception", "logging", "faulthandler", "subtests", "unittest")
GALLERY_RUN = [
    "--disable-plugin-autoload", "-p", "_hypothesis_pytestplugin", "-o", "addopts=",
    "--strict-markers", "--hypothesis-profile=dojo-gallery", "-m", "not slow",
    "-p", "no:unraisableexception", "--tb=native",
    *[arg for name in UNUSED for arg in ("-p", f"no:{name}")],
]


def test_the_gallery_is_not_empty():
    assert len(ENTRIES) >= 4


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_each_entry_says_what_it_is(entry):
    assert entry.pitfall, f"{entry.path}: the docstring needs a 'Pitfall: ...' line"
    assert entry.source, f"{entry.path}: the docstring needs a 'Source: ...' line (the article)"
    assert entry.expect, f"{entry.path}: the docstring needs an 'Expect: <phrase>' line"
    assert entry.kata in load().modules(), f"{entry.path}: gallery/{entry.kata} is no kata"


class StopOnceSaid:
    """Runs no more of the kata's tests once the failures so far say every promised phrase: the
    rest could only say more (most entries are told at their first failing test). The tests left
    are passed over without a report, not interrupted: an interrupted session formats the whole
    stack of the interruption, which cost more than the tests it saved."""

    def __init__(self, phrases):
        self.phrases = phrases
        self.said = ""
        self.done = False

    def pytest_runtest_logreport(self, report):
        if report.failed and not self.done:
            self.said += "\n" + (_message(report) or "")
            self.done = all(phrase in self.said for phrase in self.phrases)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        return True if self.done else None


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_each_wrong_answer_is_rejected_with_its_phrase(entry, tmp_path):
    if "gpu" in entry.marks and not torch.cuda.is_available():
        pytest.skip("a pitfall that only shows on a GPU")
    target = entry.as_target(tmp_path / "target")
    outcome = run_tests(ROOT, target, [entry.kata], lang="en", extra=GALLERY_RUN,
                        plugins=[StopOnceSaid(entry.expect)])
    settings.load_profile("dojo")  # the inner run loaded the gallery's profile
    failed = outcome.failed()
    assert failed, (
        f"{entry.id} passed every test of {entry.kata}: the tests do not catch "
        f"'{entry.pitfall}'"
    )
    text = "\n".join(outcome.messages())
    for phrase in entry.expect:
        assert phrase in text, (
            f"{entry.id} was rejected, but no failure says '{phrase}'. What they said:\n{text}"
        )


RIGHT = gallery.right_answers(ROOT)


@pytest.mark.parametrize("entry", RIGHT, ids=[f"{e.kata}/right/{e.name}" for e in RIGHT])
def test_each_unusual_right_answer_passes_every_test(entry, tmp_path):
    """Right answers in unusual styles (many from the outside examiners of issue 19, and the
    articles' own code done right): a test that rejects one is stricter than the contract."""
    assert entry.pitfall, f"{entry.path}: the docstring needs a 'Right: ...' line"
    target = entry.as_target(tmp_path / "target")
    outcome = run_tests(ROOT, target, [entry.kata], lang="en", extra=[
        "--disable-plugin-autoload", "-p", "_hypothesis_pytestplugin", "-o", "addopts=",
        "--strict-markers", "-m", "not gpu", "-p", "no:unraisableexception"])
    settings.load_profile("dojo")
    failed = outcome.failed()
    assert outcome.tests and not failed, (
        f"{entry.kata}/right/{entry.name} is right, yet these tests fail it:\n"
        + "\n".join(f"{t.get('nodeid')}: {t.get('message')}" for t in failed))
