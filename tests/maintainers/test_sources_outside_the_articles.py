"""Sources that are not among the five articles (issue 14): each carries a web address, and
`dojo explain` shows it with the title and the author."""

from pathlib import Path

from dojo import catalog
from dojo.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = catalog.read()


def test_every_source_is_a_saved_article_or_has_a_web_address():
    folder = ROOT.parent / "shared" / "articles"
    for key, article in DATA["articles"].items():
        if "file" in article:
            assert not folder.is_dir() or (folder / article["file"]).is_file(), key
        else:
            assert str(article.get("url", "")).startswith("https://"), (
                f"[articles.{key}] has neither a saved file nor a url")
        assert article.get("title") and article.get("about"), key


def test_explain_shows_the_address_of_a_web_source(capsys, monkeypatch):
    from dojo import i18n

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DOJO_LANG", "en")
    try:
        assert main(["explain", "view_vs_permute"]) == 0
    finally:
        i18n.set_lang(None)
    out = capsys.readouterr().out
    article = DATA["articles"]["karpathy_mistakes"]
    assert article["title"] in out and article["author"] in out
    assert article["url"] in out
    assert "thinking view() and permute() are the same thing" in out  # the snippet
