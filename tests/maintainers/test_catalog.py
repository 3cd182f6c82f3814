"""The catalog is complete, in both languages, and agrees with the files of every kata."""

from pathlib import Path

import pytest

from dojo import catalog, gallery

ROOT = Path(__file__).resolve().parents[2]
DATA = catalog.read()
CATALOG = catalog.parse(DATA)


def test_the_catalog_is_complete_in_english_and_chinese():
    missing = catalog.problems(DATA)
    assert not missing, "the catalog is incomplete:\n" + "\n".join(missing)


@pytest.mark.parametrize("module", CATALOG.modules())
def test_each_kata_has_its_stub_solution_and_tests(module):
    for path in (f"katas/{module}.py", f"solutions/{module}.py", f"tests/test_{module}.py"):
        assert (ROOT / path).is_file(), f"{module}: {path} is missing"


@pytest.mark.parametrize("step", CATALOG.steps, ids=[s.id for s in CATALOG.steps])
def test_the_catalogs_pitfalls_are_exactly_the_gallery(step):
    listed = set(DATA["kata"].get(step.id, {}).get("pitfalls", []))
    entries = {e.name for e in gallery.entries(ROOT) if e.kata == step.module}
    shared = {p for s in CATALOG.steps_of(step.module) if s.id != step.id
              for p in DATA["kata"].get(s.id, {}).get("pitfalls", [])}
    assert listed, f"{step.id}: the catalog lists no pitfalls (names of gallery/{step.module}/*.py)"
    assert listed <= entries, f"{step.id}: no gallery entry for {sorted(listed - entries)}"
    unlisted = entries - listed - shared
    assert not unlisted, f"gallery/{step.module}: {sorted(unlisted)} not in the catalog"
