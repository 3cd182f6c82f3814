"""The proof that the kata tests have teeth: every wrong answer of the pitfall gallery is
rejected, with the phrase its entry promises. Run in this process (pytest inside pytest), since
a new interpreter per entry would pay torch's import each time."""

from pathlib import Path

import pytest
import torch
from hypothesis import settings

from dojo import gallery
from dojo.catalog import load
from dojo.runner import run_tests

ROOT = Path(__file__).resolve().parents[2]
ENTRIES = gallery.entries(ROOT)
# Each entry only needs to be rejected: fewer hypothesis examples, no slow training, and no
# unraisable-exception plugin (its forced garbage collections were 40% of an entry's time).
GALLERY_RUN = [
    "--hypothesis-profile=dojo-gallery", "-m", "not slow", "-p", "no:unraisableexception"
]


def test_the_gallery_is_not_empty():
    assert len(ENTRIES) >= 4


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_each_entry_says_what_it_is(entry):
    assert entry.pitfall, f"{entry.path}: the docstring needs a 'Pitfall: ...' line"
    assert entry.source, f"{entry.path}: the docstring needs a 'Source: ...' line (the article)"
    assert entry.expect, f"{entry.path}: the docstring needs an 'Expect: <phrase>' line"
    assert entry.kata in load().modules(), f"{entry.path}: gallery/{entry.kata} is no kata"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_each_wrong_answer_is_rejected_with_its_phrase(entry, tmp_path):
    if "gpu" in entry.marks and not torch.cuda.is_available():
        pytest.skip("a pitfall that only shows on a GPU")
    target = entry.as_target(tmp_path / "target")
    outcome = run_tests(ROOT, target, [entry.kata], lang="en", extra=GALLERY_RUN)
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
