"""`dojo show` for overfit_one_batch and worker_seeds, in this process: a real PNG, and a summary
that says what each pipeline (or each wrong answer) does."""

from pathlib import Path

import pytest

from dojo import i18n, one_batch, show

pytestmark = pytest.mark.slow  # matplotlib draws a dozen panels: seconds

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english():
    i18n.set_lang("en")
    yield
    i18n.set_lang(None)


def is_png(path: Path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_overfit_one_batch_shows_every_pipeline_with_its_verdict(tmp_path):
    picture = show.make(ROOT, "overfit_one_batch", out=str(tmp_path / "overfit.png"))
    assert is_png(tmp_path / "overfit.png")
    for build in one_batch.HEALTHY + one_batch.BROKEN:
        pipeline = build()
        assert f"{pipeline.name}: {pipeline.reason}," in picture.summary, picture.summary
    assert "(raised RuntimeError)" in picture.summary  # the forward under no_grad


def test_worker_seeds_shows_what_each_answer_draws(tmp_path):
    picture = show.make(ROOT, "worker_seeds", out=str(tmp_path / "workers.png"))
    assert is_png(tmp_path / "workers.png")
    summary = picture.summary
    assert "reference: right in this picture" in summary, summary
    assert "generator_not_reseeded: every worker draws the same" in summary
    assert "first_draw_in_main: every worker draws the same" in summary
    assert "seeded_with_worker_id: every epoch repeats" in summary
    assert "unseeded_generator: not reproducible" in summary
    assert "numpy_seed_too_large: raised ValueError" in summary
