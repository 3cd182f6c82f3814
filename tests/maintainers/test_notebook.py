"""The notebook edition, tested for real: a generated notebook runs on a Jupyter kernel, once
with the stub (the kata is reported unsolved) and once with the solution pasted in (solved)."""

from pathlib import Path

import pytest

from dojo import notebook
from dojo.catalog import load

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[2]
KATA = "inplace_update"


def execute(nb, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    cell = next(c for c in nb.cells if c.metadata.get("dojo") == "tests")
    return "".join(o.get("text", "") for o in cell.outputs)


def test_notebooks_are_generated_for_every_kata(tmp_path):
    written = notebook.write(load().modules(), tmp_path, ROOT, lang="en")
    assert sorted(p.stem for p in written) == sorted(load().modules())
    for path in written:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
        kinds = [c.metadata.get("dojo") for c in nb.cells]
        assert {"stub", "tests", "hint"} <= set(kinds), path
        stub = next(c for c in nb.cells if c.metadata.get("dojo") == "stub").source
        assert (ROOT / "katas" / f"{path.stem}.py").read_text(encoding="utf-8") in stub


@pytest.mark.slow
def test_a_notebook_runs_unsolved_with_the_stub_and_solved_with_the_solution(tmp_path):
    nb = notebook.build(KATA, ROOT, lang="en")
    unsolved = execute(nb, tmp_path / "stub")
    assert f"✘ {KATA}" in unsolved and "not started" in unsolved, unsolved

    nb = notebook.build(KATA, ROOT, lang="en")
    stub_cell = next(c for c in nb.cells if c.metadata.get("dojo") == "stub")
    solution = (ROOT / "solutions" / f"{KATA}.py").read_text(encoding="utf-8")
    stub_cell.source = stub_cell.source.splitlines()[0] + "\n" + solution
    solved = execute(nb, tmp_path / "solution")
    assert f"✔ {KATA}: solved" in solved, solved
