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
    entries = {e.name for e in gallery.entries(ROOT) if e.kata == step.module and not e.irregular}
    shared = {p for s in CATALOG.steps_of(step.module) if s.id != step.id
              for p in DATA["kata"].get(s.id, {}).get("pitfalls", [])}
    assert listed, f"{step.id}: the catalog lists no pitfalls (names of gallery/{step.module}/*.py)"
    assert listed <= entries, f"{step.id}: no gallery entry for {sorted(listed - entries)}"
    unlisted = entries - listed - shared
    assert not unlisted, f"gallery/{step.module}: {sorted(unlisted)} not in the catalog"


def test_a_missing_pitfall_text_budget_or_chinese_title_is_a_problem():
    import copy

    broken = copy.deepcopy(DATA)
    entry = broken["kata"]["inplace_update"]
    first = entry["pitfalls"][0]
    del entry["pitfall"][first]["zh"]
    entry["budget"] = 0
    del broken["kata"]["koans_loops"]["functions"]
    del broken["articles"]["a003"]["title_zh"]
    found = "\n".join(catalog.problems(broken))
    assert f"inplace_update: pitfall.{first}.zh is missing" in found, found
    assert "inplace_update: budget must be a positive number" in found
    assert "koans_loops: a group of a shared module needs functions" in found
    assert "articles.a003: title_zh is missing" in found


@pytest.mark.parametrize("module", [m for m in CATALOG.modules()
                                    if any(s.is_group for s in CATALOG.steps_of(m))])
def test_each_function_of_a_shared_module_belongs_to_exactly_one_group(module):
    """`dojo reset <group>` resets the functions its catalog entry lists: together the groups
    list every function of the shipped stub, each once, in the stub's order."""
    import ast

    from dojo import stubs

    tree = ast.parse(stubs.pristine()[module])
    in_stub = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    listed = [f for step in CATALOG.steps_of(module) for f in step.functions]
    assert listed == in_stub, (
        f"{module}: the groups' functions = [...] lists {listed}, the stub defines {in_stub}"
    )
