"""Stubs pass nothing: against the pristine stubs every kata test fails, as "not started"."""

import os
from pathlib import Path

import pytest

from dojo import stubs
from dojo.catalog import load
from dojo.runner import run_tests

ROOT = Path(__file__).resolve().parents[2]


# one pytest-xdist worker runs this module's tests: they share the one run of `outcome`
pytestmark = pytest.mark.xdist_group("stubs")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    from tests.maintainers.test_gallery import GALLERY_RUN  # a stub fails at its first example

    target = stubs.write_all(tmp_path_factory.mktemp("stubs"))
    # the states come from the plugin; pytest's own traceback of each failure is not needed
    extra = [a for a in GALLERY_RUN if a not in ("-m", "not slow", "--tb=native")] + ["--tb=no"]
    return run_tests(ROOT, target, load().modules(), lang="en", extra=extra)


def test_no_kata_test_passes_against_the_stubs(outcome):
    ran = [t for t in outcome.tests if t["state"] != "skipped"]
    assert ran, "no kata test ran against the stubs"
    passed = [t["nodeid"] for t in ran if t["state"] == "passed"]
    assert not passed, "these tests pass against an unsolved stub:\n" + "\n".join(passed)


def test_every_kata_test_reports_the_stub_as_not_started(outcome):
    other = [f"{t['nodeid']}: {t['state']}" for t in outcome.tests
             if t["state"] not in ("not started", "skipped")]
    assert not other, "expected 'not started' for every test of a stub:\n" + "\n".join(other)
    assert set(outcome.steps.values()) == {"not started"}


def test_every_catalog_step_has_tests(outcome):
    assert set(outcome.steps) == {s.id for s in load().steps}


def test_the_shipped_katas_are_the_frozen_stubs():
    shipped = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "katas").glob("*.py")}
    if shipped != stubs.pristine() and not os.environ.get("CI"):
        pytest.skip("katas/ holds your own work; in CI it must equal dojo/data/stubs.json")
    assert shipped == stubs.pristine(), (
        "katas/ and dojo/data/stubs.json differ: run `python -m dojo.stubs --freeze`"
    )
