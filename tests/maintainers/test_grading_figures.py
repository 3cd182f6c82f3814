"""docs/grading.md's figures come from a script that measures them (issue 21: they described an
older catalog, 13 modules and 15 steps, written by hand)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def script():
    spec = importlib.util.spec_from_file_location("grading_figures",
                                                  ROOT / "scripts" / "grading_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_docs_figures_are_what_the_script_writes():
    figures = script()
    text = figures.DOC.read_text(encoding="utf-8")
    block = figures.block_of(text)
    assert block is not None, "docs/grading.md has no figures block"
    want = figures.render(figures.catalog_figures(), figures.recorded())
    assert block == want, (
        "docs/grading.md's figures are not what scripts/grading_figures.py writes: run "
        "`python scripts/grading_figures.py --write` (after --measure, for a new run)")
    assert "13 modules" not in text and "15 catalog steps" not in text


def test_the_recorded_run_graded_the_catalog_as_it_is():
    figures = script()
    run = figures.recorded()
    assert run is not None, "no measured run: python scripts/grading_figures.py --measure --write"
    now = figures.catalog_figures()
    assert (run["modules"], run["steps"]) == (now["modules"], now["steps"]), (
        "the recorded grading run is of another catalog: measure again "
        "(python scripts/grading_figures.py --measure --write)")
    assert run["graded_jobs"] == run["students"] * run["modules"], run
