"""`dojo show` for view_vs_permute (a grid of pictures) and logits_not_probabilities (two panels
of loss curves), drawn in this process: each wrong answer of the gallery is shown with what
happened to it."""

from pathlib import Path

import pytest

from dojo import show
from tests.maintainers.test_show_checks_and_workers import is_png

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def one_torch_thread():
    """These pictures come from many tiny operations: on a busy two-core machine torch's second
    thread only waits for the CPU (logits_not_probabilities measured 30 to 47 s with two
    threads, 2.4 to 3.9 s with one)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@pytest.mark.slow
def test_view_vs_permute_draws_each_variants_picture(tmp_path):
    picture = show.make(ROOT, "view_vs_permute", out=str(tmp_path / "v.png"))
    assert is_png(tmp_path / "v.png")
    lines = dict(line.strip().split(": ", 1) for line in picture.summary.splitlines())
    assert lines["reference"] == ("to_channels_last as the reference; "
                                  "flatten_channels_last as the reference")
    assert lines["reshape_instead_of_permute"].startswith("to_channels_last scrambled")
    assert lines["flatten_in_channels_first_order"].endswith("flatten_channels_last scrambled")
    assert lines["view_after_permute"].endswith("flatten_channels_last raised RuntimeError")


def curves(summary: str, panels: int) -> list[dict[str, str]]:
    """The summary's lines, `name: first → last`, one dict per panel (same names in each)."""
    lines = [line.strip().split(": ", 1) for line in summary.splitlines()]
    per = len(lines) // panels
    return [dict(lines[i * per:(i + 1) * per]) for i in range(panels)]


def ends(text: str) -> tuple[float, float]:
    first, last = text.split("  (")[0].split(" → ")
    return float(first), float(last)


@pytest.mark.slow
def test_logits_not_probabilities_draws_the_curves_of_each_loss(tmp_path):
    picture = show.make(ROOT, "logits_not_probabilities", out=str(tmp_path / "l.png"))
    assert is_png(tmp_path / "l.png")
    classifier, binary = curves(picture.summary, 2)
    start, end = ends(classifier["reference"])
    assert end < start / 5  # the reference learns
    assert ends(classifier["softmax_before_cross_entropy"])[1] > 2 * end  # slower
    nll = ends(classifier["nll_loss_on_logits"])
    assert nll[1] > nll[0]  # the true loss grows while nll_loss of the logits falls
    assert "same as the reference" in classifier["sigmoid_then_bce"]
    assert binary["bce_on_logits"].startswith("—  (raised RuntimeError")
    assert ends(binary["sigmoid_then_bce"])[1] > ends(binary["reference"])[1]  # saturated


def test_a_picture_leaves_matplotlibs_settings_as_it_found_them(monkeypatch):
    """In one process (a notebook, dojo in process) a Chinese picture's font does not stay for
    the next English one (whose labels lost glyphs such as ✕), and the learner's own settings
    stay theirs, in either language."""
    import matplotlib

    from dojo import i18n

    def fonts_only(project, kata, out):  # what make does to matplotlib, without the drawing
        return show._setup_fonts([])

    monkeypatch.setattr(show, "_make", fonts_only)
    mine = ["Marker Sans", "DejaVu Sans"]
    try:
        with matplotlib.rc_context({"font.sans-serif": mine, "font.family": "serif"}):
            for lang in ("zh", "en", "zh"):
                i18n.set_lang(lang)
                chinese = show.make(ROOT, "inplace_update")
                assert chinese == (lang == "zh" and show.cjk_font() is not None)
                assert matplotlib.rcParams["font.sans-serif"] == mine, lang
                assert matplotlib.rcParams["font.family"] == ["serif"], lang
    finally:
        i18n.set_lang(None)
