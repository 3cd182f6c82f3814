"""`dojo show` as a learner meets it (issue 21): with code that loops, with a stub, in a `dojo init`
workspace, and what its text says. In-process, on scratch copies (never the repository's
katas/)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dojo import budget, show, stubs, workspace
from dojo.catalog import load
from tests.maintainers.test_budget import line_of, looping
from tests.maintainers.test_cli import _language_restored, copy_project  # noqa: F401 (autouse)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "katas-copy")


@pytest.fixture
def one_second(monkeypatch):
    """Every kata's budget scaled to one second."""

    def scale_for(kata: str) -> None:
        seconds = max(s.budget for s in load().steps_of(kata))
        monkeypatch.setenv(budget.SCALE_ENV, str(1 / seconds))

    return scale_for


def solve(project: Path, kata: str) -> None:
    shutil.copyfile(project / "solutions" / f"{kata}.py", project / "katas" / f"{kata}.py")


# --- code that does not finish ---------------------------------------------------------------


@pytest.mark.timeout(120)
def test_a_loop_in_yours_gets_the_katas_budget_and_the_picture_is_drawn_without_it(
        project, one_second):
    """Issue 21: `dojo show` waited on code that loops (one of its pictures forever): the
    learner's code gets its kata's budget, all of its calls together, then the picture is
    drawn without "yours", and a line says why."""
    for kata, function in (("inplace_update", "sgd_step"),  # a recipe's curves
                           ("view_vs_permute", "to_channels_last")):  # a picture of its own
        solve(project, kata)
        looping(project / "katas", kata=kata, function=function, reference=False)
        one_second(kata)
        picture = show.make(project, kata)
        assert picture.path.is_file()
        line = line_of(project / "katas" / f"{kata}.py", "while True:")
        lines = picture.summary.splitlines()
        said = [ln for ln in lines if ln.strip().startswith("yours")]
        assert len(said) == 1, picture.summary
        assert "left out of the picture" in said[0] and "did not finish within 1 s" in said[0]
        assert f"line {line} of katas/{kata}.py" in said[0], said
        assert f"dojo check {kata}" in said[0], said
        assert "OutOfTime" not in picture.summary, picture.summary
        assert "reference" in picture.summary


def test_a_stub_is_said_to_be_missing_from_the_picture(project):
    """Issue 21: a stub's "yours" was silently missing."""
    picture = show.make(project, "inplace_update")
    yours = [ln for ln in picture.summary.splitlines() if ln.strip().startswith("yours")]
    assert len(yours) == 1, picture.summary
    assert "not in the picture yet" in yours[0] and "`sgd_step`" in yours[0], yours
    assert "NotImplementedError" in yours[0]


# --- a workspace -----------------------------------------------------------------------------


def test_show_works_in_a_dojo_init_workspace(tmp_path):
    """Issue 21: in a workspace `dojo show` refused ("needs a full checkout"), though the
    package carries the reference answers; it now carries the gallery too."""
    ws, _ = workspace.init(tmp_path / "ws")
    assert not (ws / "solutions").exists() and not (ws / "gallery").exists()
    picture = show.make(ws, "inplace_update")
    assert picture.path.is_file() and picture.path.resolve().parent == ws / ".dojo" / "show"
    for name in ("reference:", "rebinding:", "grad_not_cleared:", "leaf_outside_no_grad:"):
        assert name in picture.summary, picture.summary
    assert "yours" in picture.summary  # the stub: not in the picture yet


def test_the_package_carries_the_gallery_as_gallery_holds_it():
    shipped = stubs.gallery()
    on_disk = {}
    for path in sorted((ROOT / "gallery").glob("*/*.py")):
        if path.name != "__init__.py":
            on_disk.setdefault(path.parent.name, {})[path.stem] = path.read_text(encoding="utf-8")
    assert shipped == on_disk, (
        "dojo/data/reference-answers/gallery.json and gallery/ differ: run "
        "`python -m dojo.stubs --freeze`")


def test_without_reference_answers_show_says_why_in_one_line(tmp_path, monkeypatch):
    ws, _ = workspace.init(tmp_path / "ws")
    monkeypatch.setattr(stubs, "SOLUTIONS", tmp_path / "none.json")  # a student edition
    with pytest.raises(show.NothingToShow) as nothing:
        show.make(ws, "inplace_update")
    assert "no reference answers" in str(nothing.value) and "\n" not in str(nothing.value)


# --- what it says ----------------------------------------------------------------------------


def test_notes_come_with_the_rest_on_stdout(project, capsys, monkeypatch):
    """Issue 21: a note went to stderr, apart from the rest."""
    from dojo.cli import main

    monkeypatch.chdir(project)
    monkeypatch.setenv("DOJO_NO_CJK_FONT", "1")
    assert main(["show", "view_vs_permute", "--lang", "zh"]) == 0
    out, err = capsys.readouterr()
    assert err == "", err
    assert "fonts-noto-cjk" in out and "图片:" in out, out


def test_explain_offers_a_picture_only_where_there_is_one(tmp_path, monkeypatch, capsys):
    from dojo.cli import main

    stubs.write_all(tmp_path / "katas")
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path)
    for step in load().steps:
        assert main(["explain", step.id, "--lang", "en"]) == 0
        out = capsys.readouterr().out
        has = step.module in show.RECIPES or step.module in show.DRAWN_APART
        assert ("dojo show" in out) == has, (step.id, out)


@pytest.mark.slow  # draws two pictures of several seconds each
def test_the_text_labels_each_block_and_the_panels_keep_their_whole_titles(project,
                                                                          monkeypatch):
    """Issue 21: blocks of text without saying which function each is; "the bug built in says
    ok" for a healthy pipeline; panel titles cut short."""
    from dojo import one_batch

    figures = []
    real_save = show._save

    def keep(fig, *args, **kwargs):
        figures.append([ax.get_title() for ax in fig.axes])
        return real_save(fig, *args, **kwargs)

    monkeypatch.setattr(show, "_save", keep)
    picture = show.make(project, "logits_not_probabilities")
    headers = [ln for ln in picture.summary.splitlines() if not ln.startswith(" ")]
    assert len(headers) == 2, picture.summary
    assert "classification_loss" in headers[0] and "binary_loss" in headers[1], headers

    solve(project, "overfit_one_batch")
    picture = show.make(project, "overfit_one_batch")
    titles = [re.sub(r"\s+", " ", t) for t in figures[-1]]
    for build in one_batch.HEALTHY + one_batch.BROKEN:
        assert build().what[0] in titles, (build().what[0], titles)
    text = picture.summary
    assert "the bug built in says ok" not in text
    name = one_batch.HEALTHY[0]().name
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{name}: yours"))
    assert "healthy" in line, line
