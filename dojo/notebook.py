"""The notebook edition: one Jupyter notebook per kata, for Jupyter and Colab.

`dojo notebook [KATA...] --out DIR` writes `DIR/<kata>.ipynb`, generated from the same sources as
the files (the catalog, the pristine stub, the kata's real tests), never kept by hand. A notebook
needs nothing beside it and no network: a kernel with torch, pytest and hypothesis (Colab has
them) runs it as it is.

- The set-up cell carries the katas' runtime: the modules of `dojo` that the kata's tests and
  the notebook's own calls import (found by following their imports), and the data files those
  modules read, as a zip inside the cell. It unpacks them into `dojo_work/runtime/` and imports
  from there; nothing is installed. With `--install SPEC` (a package name, a wheel URL or a git
  URL that the instructor names) the cell installs SPEC instead, where `dojo` is missing.
- The stub cell (metadata `dojo: stub`) writes the learner's code to `dojo_work/<kata>.py`
  (`%%writefile`).
- The test cell (`dojo: tests`) writes the kata's embedded tests there and runs them with the
  project's pytest plugin, printing the verdict (`✔ KATA: solved`, `✘ KATA: ...`) and the
  teaching message of the first failure, as `dojo check` does, in the notebook's words.
- The hint cell (`dojo: hint`) prints the next hint.
"""

from __future__ import annotations

import argparse
import ast
import base64
import io
import re
import zipfile
from pathlib import Path

from dojo.i18n import t

WORK = "dojo_work"
RUNTIME = f"{WORK}/runtime"
# what every notebook calls, whatever its kata's tests import
ROOTS = ("dojo.notebook", "dojo.runner", "dojo.pytest_plugin")
# the files a module of the runtime reads, relative to the package (folders: every file in them)
PACKAGE_DATA = {"dojo.catalog": ("catalog.toml",), "dojo.mnist_data": ("data/mnist-subset",)}
NEEDS = ("torch", "pytest", "hypothesis")


# --- running inside the notebook -------------------------------------------------------------


HINT_CELL = ("run the hint cell below", "运行下面的提示单元格")  # what `dojo hint` is, here


def for_notebook(message: str) -> str:
    """A teaching message in a notebook's words: the `dojo` commands it names become the cells
    that do the same (there is no command line in a notebook)."""
    words = {
        "hint": t(*HINT_CELL),
        "explain": t("the introduction at the top of this notebook", "本笔记本开头的介绍"),
        "reset": t("running the code cell above", "运行上面的代码单元格"),
        "check": t("the test cell", "测试单元格"),
    }
    return re.sub(r"`?dojo (hint|explain|reset|check) [\w.]+`?",
                  lambda m: words[m.group(1)], message)


def run(kata: str, tests_source: str, work: str = WORK, lang: str | None = None) -> bool:
    """Run the kata's tests against `work/<kata>.py`; print the verdict. True when solved.
    Whatever the run stores (hypothesis's cache) goes into `work/`, not the learner's folder."""
    from dojo.catalog import load
    from dojo.i18n import state_label
    from dojo.runner import run_tests

    folder = Path(work).resolve()
    tests = folder / "tests"
    tests.mkdir(parents=True, exist_ok=True)
    (tests / f"test_{kata}.py").write_text(tests_source, encoding="utf-8")
    with _storage_in(folder):
        # no pytest-benchmark: no kata test times anything, and it writes .benchmarks/ here
        outcome = run_tests(folder, folder, [kata], lang=lang, tests=tests,
                            extra=("-p", "no:benchmark"))
    records = [r for r in outcome.tests if r["state"] != "skipped"]
    states = outcome.steps
    steps = [s.id for s in load().steps_of(kata)] or [kata]
    solved = bool(records) and all(states.get(s) == "solved" for s in steps if s in states)
    passed = sum(r["state"] == "passed" for r in records)
    if solved:
        print(t(f"✔ {kata}: solved ({passed}/{len(records)} tests pass)",
                f"✔ {kata}:已完成(通过 {passed}/{len(records)} 个测试)"))
        return True
    state = next(iter(states.values()), "failing") if len(set(states.values())) == 1 else "failing"
    print(t(f"✘ {kata}: {state_label(state)} ({passed}/{len(records)} tests pass)",
            f"✘ {kata}:{state_label(state)}(通过 {passed}/{len(records)} 个测试)"))
    first = next((r for r in records if r["state"] != "passed" and r.get("message")), None)
    message = for_notebook(first["message"]) if first else ""
    if message:
        print()
        print(message)
    hint_cell = t(*HINT_CELL)
    if hint_cell not in message:
        print()
        print(t(f"Stuck? {hint_cell[0].upper()}{hint_cell[1:]}.", f"卡住了?{hint_cell}。"))
    return False


class _storage_in:
    """hypothesis's storage folder inside `folder` for the run (its default is the working
    folder: the learner's), then as it was."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        try:
            from hypothesis import configuration
        except ImportError:
            self.configuration = None
            return self
        self.configuration = configuration
        self.before = getattr(configuration, "__hypothesis_home_directory", None)
        configuration.set_hypothesis_home_dir(self.folder / ".hypothesis")
        return self

    def __exit__(self, *exc):
        if self.configuration is not None:
            self.configuration.set_hypothesis_home_dir(self.before)


_HINTS_SHOWN: dict[str, int] = {}
HINTS_FILE = "hints.json"  # in the work folder: how many hints each kata has shown


def hint(kata: str, work: str = WORK) -> None:
    """Print the next hint of the kata (progressive), with the ones shown before. The count is
    kept in `work/hints.json` too, so that a new kernel goes on where the last one left off."""
    import json

    from dojo.catalog import load

    hints = [h for s in load().resolve(kata) for h in s.hint_list()]
    saved = Path(work) / HINTS_FILE
    try:
        known = json.loads(saved.read_text(encoding="utf-8"))
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        known = {}
    before = max(_HINTS_SHOWN.get(kata, 0), int(known.get(kata, 0) or 0))
    count = min(before + 1, len(hints))
    _HINTS_SHOWN[kata] = count
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps({**known, kata: count}), encoding="utf-8")
    except OSError:
        pass  # a read-only folder: the count lives as long as the kernel
    for i, text in enumerate(hints[:count], 1):
        print(f"{i}/{len(hints)}  {text}")
    if count == len(hints):
        print(t("(that was the last hint)", "(这是最后一条提示)"))


# --- the runtime a notebook carries ----------------------------------------------------------


def _package() -> Path:
    from dojo.paths import PACKAGE

    return PACKAGE


def _module_file(name: str) -> Path | None:
    """The source file of a module of `dojo` ("dojo.x", "dojo.grade"), or None."""
    parts = name.split(".")[1:]
    base = _package().joinpath(*parts) if parts else _package()
    for path in (base.with_suffix(".py") if parts else None, base / "__init__.py"):
        if path is not None and path.is_file():
            return path
    return None


def _dojo_imports(source: str) -> set[str]:
    """The modules of `dojo` that a source imports, anywhere in it (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "dojo")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "dojo":
                continue
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if _module_file(f"{node.module}.{a.name}") is not None)
    return found


def runtime_modules(tests_source: str) -> list[str]:
    """Every module of `dojo` that the notebook's calls and the kata's tests need (their
    imports, followed), with the packages above them."""
    todo = [*ROOTS, *_dojo_imports(tests_source)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # a module needs the packages above it
            parent = ".".join(parts[:i])
            path = _module_file(parent)
            if parent in seen or path is None:
                continue
            seen.add(parent)
            todo.extend(_dojo_imports(path.read_text(encoding="utf-8")))
    return sorted(seen)


def runtime_files(tests_source: str) -> dict[str, Path]:
    """{path in the runtime folder: file} of the runtime's modules and the data they read."""
    package = _package()
    out: dict[str, Path] = {}
    for name in runtime_modules(tests_source):
        path = _module_file(name)
        out[path.relative_to(package.parent).as_posix()] = path
        for rel in PACKAGE_DATA.get(name, ()):
            data = package / rel
            for file in sorted(data.rglob("*")) if data.is_dir() else [data]:
                if file.is_file() and "__pycache__" not in file.parts:
                    out[file.relative_to(package.parent).as_posix()] = file
    return out


def runtime_zip(tests_source: str) -> bytes:
    """The runtime as a zip, the same bytes for the same sources (a notebook regenerated from
    unchanged sources does not change)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, path in sorted(runtime_files(tests_source).items()):
            info = zipfile.ZipInfo(rel, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return buffer.getvalue()


def setup_cell(tests_source: str, lang: str, install: str | None = None) -> str:
    from dojo import __version__

    def t(en: str, zh: str) -> str:  # the notebook's language, whatever the process's
        return zh if lang == "zh" else en

    language = f"dojo.i18n.set_lang({lang!r})  " + t("# the language of the messages\n",
                                                      "# 消息的语言\n")
    if install:
        return (
            t(f"# Set-up: installs the katas' runtime from {install} (named by your instructor)\n"
              "# where it is missing; the kata's tests travel inside this notebook.\n",
              f"# 准备:在缺少时从 {install}(由你的讲师指定)安装 kata 的运行环境;\n"
              "# kata 的测试就在这个笔记本里。\n")
            + "import os\n"
            "try:\n"
            "    import dojo.notebook\n"
            "except ImportError:\n"
            f"    %pip install -q {install}\n"
            "    import dojo.notebook\n"
            f"os.makedirs({WORK!r}, exist_ok=True)\n" + language
        )
    encoded = base64.b64encode(runtime_zip(tests_source)).decode("ascii")
    lines = "\n".join(encoded[i:i + 100] for i in range(0, len(encoded), 100))
    needs = ", ".join(NEEDS) if lang != "zh" else "、".join(NEEDS)
    return (
        t(f"# Set-up: the katas' runtime (pytorch-pitfall-katas {__version__}) travels inside this\n"
          f"# notebook: it is unpacked into {RUNTIME}/ and used from there. Nothing is installed\n"
          f"# and no network is needed; the kernel needs {needs} (Colab has them).\n",
          f"# 准备:kata 的运行环境(pytorch-pitfall-katas {__version__})就在这个笔记本里:\n"
          f"# 它被解压到 {RUNTIME}/ 并从那里使用。不安装任何东西,也不需要联网;\n"
          f"# 内核需要 {needs}(Colab 都有)。\n")
        + "import base64, importlib.util, io, os, sys, zipfile\n"
        f"_missing = [m for m in {NEEDS!r} if importlib.util.find_spec(m) is None]\n"
        "if _missing:\n"
        + t("    raise ImportError('this notebook needs ' + ', '.join(_missing) + ' in its kernel: '\n"
            "                      '%pip install ' + ' '.join(_missing))\n",
            "    raise ImportError('这个笔记本的内核需要 ' + '、'.join(_missing) + ':'\n"
            "                      '%pip install ' + ' '.join(_missing))\n")
        + f'_RUNTIME = """\n{lines}\n"""\n'
        f"zipfile.ZipFile(io.BytesIO(base64.b64decode(_RUNTIME))).extractall({RUNTIME!r})\n"
        f"sys.path.insert(0, os.path.abspath({RUNTIME!r}))\n"
        "for _name in [m for m in sys.modules if m == 'dojo' or m.startswith('dojo.')]:\n"
        "    del sys.modules[_name]  "
        + t("# this notebook's runtime, not another one\n", "# 用这个笔记本的运行环境,而不是别的\n")
        + "import dojo.notebook\n" + language
    )


# --- writing notebooks -----------------------------------------------------------------------


def _snippet(snippet: str) -> str:
    """A catalog snippet as Markdown: inline code for one line, a fenced block for several."""
    if "\n" in snippet.strip():
        return f"\n\n```python\n{snippet.strip()}\n```\n"
    fence = "``" if "`" in snippet else "`"
    pad = " " if fence == "``" else ""
    return f" {fence}{pad}{snippet.strip()}{pad}{fence}\n"


def build(kata: str, lang: str | None = None, *, install: str | None = None,
          tests: Path | None = None):
    """The notebook of one kata module, as an nbformat NotebookNode. `tests`: the folder of the
    kata tests (default: those the package carries)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from dojo import i18n
    from dojo.catalog import load
    from dojo.i18n import paragraphs
    from dojo.paths import kata_source
    from dojo.stubs import pristine

    lang = lang or i18n.lang()

    def t(en: str, zh: str) -> str:  # the notebook's language, whatever the process's
        return zh if lang == "zh" else en

    steps = load().steps_of(kata)
    if not steps:
        raise KeyError(kata)
    stub = pristine(lang)[kata]  # in the notebook's language: its docstrings and comments
    folder = Path(tests) if tests is not None else kata_source() / "tests"
    tests_source = (folder / f"test_{kata}.py").read_text(encoding="utf-8")
    first = steps[0]
    intro = [f"# {first.text('title', lang) if len(steps) == 1 else kata}\n"]
    for step in steps:
        if len(steps) > 1:
            intro.append(f"## {step.text('title', lang)}\n")
        intro.append(paragraphs(step.text("concept", lang)) + "\n")
        intro.append(f"**{t('Why it matters', '为什么重要')}:** " + paragraphs(step.text("why", lang))
                     + "\n")
        title = step.article.get("title", "")
        intro.append(f"*{t('From', '出处')}:* {title} —" + _snippet(step.snippet))
    intro.append(
        t(
            "Fill in the code cell below, run it (it saves your code), then run the test cell. "
            "Hints come one at a time from the hint cell.",
            "补全下面的代码单元格并运行(它会保存你的代码),然后运行测试单元格。提示单元格每次给出"
            "一条提示。",
        )
    )
    code = f"%%writefile {WORK}/{kata}.py\n" + stub
    tests_cell = (
        t("# The kata's real tests (generated from the project; do not edit).\n",
          "# 这个 kata 真正的测试(由项目生成,请不要修改)。\n")
        + f"TESTS_{kata.upper()} = {tests_source!r}\n"
        f"solved = dojo.notebook.run({kata!r}, TESTS_{kata.upper()}, lang={lang!r})"
    )
    hint_cell = f"dojo.notebook.hint({kata!r})"
    nb = new_notebook(
        cells=[
            new_markdown_cell("\n".join(intro)),
            new_code_cell(setup_cell(tests_source, lang, install), metadata={"dojo": "setup"}),
            new_code_cell(code, metadata={"dojo": "stub"}),
            new_code_cell(tests_cell, metadata={"dojo": "tests", "jupyter": {"source_hidden": True}}),
            new_code_cell(hint_cell, metadata={"dojo": "hint"}),
        ],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "dojo": {"kata": kata, "generated_by": "dojo notebook"},
        },
    )
    nbformat.validate(nb)
    return nb


def write(katas: list[str], out: Path, lang: str | None = None, *,
          install: str | None = None) -> list[Path]:
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kata in katas:
        path = out / f"{kata}.ipynb"
        nbformat.write(build(kata, lang, install=install), str(path))
        written.append(path)
    return written


def _command(args) -> int:
    from dojo.catalog import UnknownStep, load

    catalog = load()
    modules = []
    for name in args.katas or catalog.modules():
        try:
            module = catalog.resolve(name)[0].module
        except UnknownStep as err:
            close = ", ".join(err.suggestions) or "dojo list"
            print(t(f"dojo notebook: no kata named {name!r} (closest: {close})",
                    f"dojo notebook:没有名为 {name!r} 的 kata(最接近的:{close})"))
            return 2
        if module not in modules:
            modules.append(module)
    try:
        written = write(modules, Path(args.out), getattr(args, "lang", None),
                        install=args.install)
    except ImportError:
        print(t("dojo notebook needs nbformat: pip install 'pytorch-pitfall-katas[notebook]'",
                "dojo notebook 需要 nbformat:pip install 'pytorch-pitfall-katas[notebook]'"))
        return 2
    for path in written:
        print(path)
    return 0


def register(subparsers) -> None:
    from dojo import i18n

    what = t(
        "write one Jupyter/Colab notebook per kata: the stub, the kata's tests, the hints and the "
        "runtime they need travel inside it, so it runs alone on any kernel with torch, pytest "
        "and hypothesis, without network",
        "为每个 kata 生成一个 Jupyter/Colab 笔记本:练习、测试、提示以及运行所需的代码都在笔记本里,"
        "在任何装有 torch、pytest 和 hypothesis 的内核上都能单独运行,无需联网",
    )
    parser = subparsers.add_parser(
        "notebook",
        help=t("write one Jupyter notebook per kata", "为每个 kata 生成一个 Jupyter 笔记本"),
        description=what,
    )
    parser.add_argument("katas", nargs="*", metavar="KATA",
                        help=t("the katas (default: all)", "要生成的 kata(默认:全部)"))
    parser.add_argument("--out", default="notebooks", metavar="DIR",
                        help=t("folder to write (default: notebooks)",
                               "输出文件夹(默认:notebooks)"))
    parser.add_argument("--lang", choices=i18n.LANGS, default=argparse.SUPPRESS,
                        help=t("language of the notebooks and their messages: en or zh "
                               "(default: DOJO_LANG, else the locale)",
                               "笔记本及其消息的语言:en 或 zh(默认取 DOJO_LANG,否则取系统语言)"))
    parser.add_argument("--install", metavar="SPEC", default=None,
                        help=t("install the runtime from SPEC (a package name, a wheel URL or a "
                               "git URL) instead of carrying it inside the notebook",
                               "从 SPEC(包名、wheel 的 URL 或 git URL)安装运行所需的代码,"
                               "而不是放在笔记本里"))
    parser.set_defaults(func=_command)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dojo.notebook")
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args(["notebook", *(argv or [])])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
