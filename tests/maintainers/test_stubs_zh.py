"""The Chinese stubs (issue 21): the instructions a learner reads first, each stub's docstrings and
TODO comments, in Chinese for `dojo init --lang zh` and the zh notebooks. Kept by hand in
dojo/data/stubs_zh/, each in step with the English stub it translates (a recorded fingerprint),
with the same code and names (the same syntax tree once docstrings are set aside)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from dojo import stubs, workspace
from dojo.cli import main
from tests.maintainers.test_cli import _language_restored  # noqa: F401 (autouse)

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_RUN = 4  # words in a row (as test_messages.py: a phrase, not a term or a name)
GLUED = re.compile(r"[A-Za-z0-9`][\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z0-9`]")


def stale(english: dict[str, str], recorded: dict[str, str]) -> list[str]:
    """The modules whose English stub is not the one their translation was made from."""
    return sorted(m for m, text in english.items() if recorded.get(m) != stubs.fingerprint(text))


def test_every_stub_has_a_chinese_translation():
    missing = sorted(set(stubs.pristine()) - set(stubs.translations()))
    assert not missing, f"translate these stubs into dojo/data/stubs_zh/: {missing}"
    extra = sorted(set(stubs.translations()) - set(stubs.pristine()))
    assert not extra, f"dojo/data/stubs_zh/ has translations of no stub: {extra}"


def test_each_translation_follows_the_english_stub_as_it_is_now():
    """Fails when an English stub changes without its translation being updated."""
    out_of_step = stale(stubs.pristine(), stubs.translated_from())
    assert not out_of_step, "\n".join(
        f"katas/{m}.py changed since dojo/data/stubs_zh/{m}.py translated it: bring the "
        f"translation's docstrings and comments in line with it, then record that with "
        f"`python -m dojo.stubs --translated {m}`" for m in out_of_step)


def test_a_changed_english_stub_is_caught():
    english = dict(stubs.pristine())
    recorded = stubs.translated_from()
    assert stale(english, recorded) == []
    english["zero_grad"] = english["zero_grad"].replace("one step per epoch", "one step an epoch")
    assert stale(english, recorded) == ["zero_grad"]


def without_docstrings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False)


@pytest.mark.parametrize("module", sorted(stubs.pristine()))
def test_the_translation_is_the_same_code_with_the_same_names(module):
    english, chinese = stubs.pristine()[module], stubs.translations()[module]
    assert without_docstrings(chinese) == without_docstrings(english), (
        f"dojo/data/stubs_zh/{module}.py differs from katas/{module}.py in more than its "
        f"docstrings and comments")


def prose(source: str) -> list[tuple[str, str]]:
    """(where, text) of every docstring line and comment of a source, code left out: the
    docstrings' indented snippets, `code` in backticks, quoted strings, commands."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                name = getattr(node, "name", "module")
                found += [(f"{name} docstring", ln) for ln in doc.splitlines()
                          if ln.strip() and not ln.startswith("    ")]
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((f"line {token.start[0]}", token.string.lstrip("#").strip()))
    return found


def words_of(line: str) -> str:
    line = re.sub(r"`[^`]*`", " ", line)
    line = re.sub(r'"[^"]*"', " ", line)
    line = re.sub(r"\b(?:dojo|pytest|python -m) [\w.-]+(?: [\w.-]+)*", " ", line)
    return line


@pytest.mark.parametrize("module", sorted(stubs.pristine()))
def test_docstrings_and_comments_are_chinese_in_the_house_style(module):
    for where, line in prose(stubs.translations()[module]):
        text = words_of(line)
        if not text.strip(" -:()=0-9.,;/*+<>[]'"):
            continue  # a line of code or a formula
        if where.startswith("line ") and not CJK.search(line):
            if re.fullmatch(r"[\w\s(),=.*\[\]<>-]*", line) and len(line.split()) <= 3:
                continue  # a comment that is a value (`# shape (10, 1)`)
            pytest.fail(f"stubs_zh/{module}.py {where}: an English comment: {line!r}")
        for run in re.findall(r"[A-Za-z][\w'-]*(?: +[A-Za-z][\w'-]*)*", text):
            assert len(run.split()) < ENGLISH_RUN, (
                f"stubs_zh/{module}.py {where}: English left ({run!r}): {line!r}")
        glued = GLUED.search(re.sub(r"`[^`]*`", "`x`", line))
        assert not glued, f"stubs_zh/{module}.py {where}: {glued.group()!r} needs a space: {line!r}"
    first = ast.get_docstring(ast.parse(stubs.translations()[module])).splitlines()[0]
    assert CJK.search(first), first


# --- where the Chinese stubs are used --------------------------------------------------------


def test_dojo_init_in_chinese_writes_the_chinese_stubs(tmp_path, capsys):
    assert main(["init", str(tmp_path / "zh"), "--lang", "zh"]) == 0
    assert main(["init", str(tmp_path / "en"), "--lang", "en"]) == 0
    capsys.readouterr()
    for lang in ("zh", "en"):
        written = {p.stem: p.read_text(encoding="utf-8")
                   for p in (tmp_path / lang / "katas").glob("*.py")}
        assert written == stubs.pristine(lang), lang
    assert stubs.pristine("zh") != stubs.pristine("en")


def test_the_chinese_notebooks_stub_cell_is_the_chinese_stub():
    pytest.importorskip("nbformat")
    from dojo import notebook

    nb = notebook.build("inplace_update", "zh")
    cells = {c.metadata.get("dojo"): c.source for c in nb.cells}
    assert stubs.pristine("zh")["inplace_update"] in cells["stub"]
    for kind in ("setup", "tests"):  # the cells' own comments in the notebook's language
        comments = [ln for ln in cells[kind].splitlines() if ln.lstrip().startswith("#")]
        assert comments and all(CJK.search(c) for c in comments), (kind, comments)
    assert stubs.pristine("en")["inplace_update"] in notebook.build("inplace_update", "en") \
        .cells[2].source


def test_reset_brings_back_the_stub_in_the_language_of_the_file(tmp_path, capsys, monkeypatch):
    ws, _ = workspace.init(tmp_path / "ws", lang="zh")
    mine = ws / "katas" / "zero_grad.py"
    mine.write_text(mine.read_text(encoding="utf-8") + "\n# 我的尝试\n", encoding="utf-8")
    monkeypatch.chdir(ws)
    assert main(["reset", "zero_grad", "--lang", "en"]) == 0
    assert mine.read_text(encoding="utf-8") == stubs.pristine("zh")["zero_grad"]
    assert main(["reset", "zero_grad", "--lang", "en"]) == 0
    assert "already the shipped stub" in capsys.readouterr().out
    mine.unlink()  # a missing file: the language the learner works in
    assert main(["reset", "zero_grad", "--lang", "zh"]) == 0
    assert mine.read_text(encoding="utf-8") == stubs.pristine("zh")["zero_grad"]
