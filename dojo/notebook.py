"""The notebook edition: one Jupyter notebook per kata, for Jupyter and Colab.

`dojo notebook [KATA...] --out DIR` writes `DIR/<kata>.ipynb`, generated from the same sources as
the files (the catalog, the pristine stub, the kata's real tests), never kept by hand. A notebook
needs nothing beside it: its first cell installs the project if it is missing, the stub cell
writes the learner's code to a work folder (`%%writefile`), and the test cell writes the kata's
embedded tests there and runs them with the project's pytest plugin, printing the verdict and
the teaching message of the first failure, as `dojo check` does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dojo.i18n import t

WORK = "dojo_work"
PIP_SPEC = "pytorch-pitfall-katas"


# --- running inside the notebook -------------------------------------------------------------


def run(kata: str, tests_source: str, work: str = WORK, lang: str | None = None) -> bool:
    """Run the kata's tests against `work/<kata>.py`; print the verdict. True when solved."""
    from dojo.catalog import load
    from dojo.runner import run_tests

    folder = Path(work).resolve()
    tests = folder / "tests"
    tests.mkdir(parents=True, exist_ok=True)
    (tests / f"test_{kata}.py").write_text(tests_source, encoding="utf-8")
    outcome = run_tests(folder, folder, [kata], lang=lang, tests=tests)
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
    print(t(f"✘ {kata}: {state} ({passed}/{len(records)} tests pass)",
            f"✘ {kata}:未完成({state},通过 {passed}/{len(records)} 个测试)"))
    first = next((r for r in records if r["state"] != "passed" and r.get("message")), None)
    if first:
        print()
        print(first["message"])
    print()
    print(t(f"A hint: run the hint cell below (dojo.notebook.hint('{kata}')).",
            f"需要提示:运行下面的提示单元格(dojo.notebook.hint('{kata}'))。"))
    return False


_HINTS_SHOWN: dict[str, int] = {}


def hint(kata: str) -> None:
    """Print the next hint of the kata (progressive), with the ones shown before."""
    from dojo.catalog import load

    hints = [h for s in load().resolve(kata) for h in s.hint_list()]
    count = min(_HINTS_SHOWN.get(kata, 0) + 1, len(hints))
    _HINTS_SHOWN[kata] = count
    for i, text in enumerate(hints[:count], 1):
        print(f"{i}/{len(hints)}  {text}")
    if count == len(hints):
        print(t("(that was the last hint)", "(这是最后一条提示)"))


# --- writing notebooks -----------------------------------------------------------------------


def build(kata: str, project: Path, lang: str | None = None):
    """The notebook of one kata module, as an nbformat NotebookNode."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from dojo.catalog import load
    from dojo.stubs import pristine

    steps = load().steps_of(kata)
    if not steps:
        raise KeyError(kata)
    stub = pristine()[kata]
    tests_source = (Path(project) / "tests" / f"test_{kata}.py").read_text(encoding="utf-8")
    first = steps[0]
    intro = [f"# {first.text('title', lang) if len(steps) == 1 else kata}\n"]
    for step in steps:
        if len(steps) > 1:
            intro.append(f"## {step.text('title', lang)}\n")
        intro.append(step.text("concept", lang) + "\n")
        intro.append(f"**{t('Why it matters', '为什么重要')}:** " + step.text("why", lang) + "\n")
        title = step.article.get("title", "")
        intro.append(f"*{t('From', '出处')}:* {title} — `{step.snippet}`\n")
    intro.append(
        t(
            "Fill in the code cell below, run it (it saves your code), then run the test cell. "
            "Hints come one at a time from the hint cell.",
            "补全下面的代码单元格并运行(它会保存你的代码),然后运行测试单元格。提示单元格每次给出"
            "一条提示。",
        )
    )
    setup = (
        "# Set-up: installs the katas where they are missing (Colab), nothing else.\n"
        "try:\n"
        "    import dojo.notebook\n"
        "except ImportError:\n"
        f"    %pip install -q {PIP_SPEC}\n"
        "    import dojo.notebook\n"
        "import os\n"
        f"os.makedirs({WORK!r}, exist_ok=True)\n"
    )
    code = f"%%writefile {WORK}/{kata}.py\n" + stub
    tests_cell = (
        "# The kata's real tests (generated from the project; do not edit).\n"
        f"TESTS_{kata.upper()} = {tests_source!r}\n"
        f"dojo.notebook.run({kata!r}, TESTS_{kata.upper()})"
    )
    hint_cell = f"dojo.notebook.hint({kata!r})"
    nb = new_notebook(
        cells=[
            new_markdown_cell("\n".join(intro)),
            new_code_cell(setup),
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


def write(katas: list[str], out: Path, project: Path, lang: str | None = None) -> list[Path]:
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kata in katas:
        path = out / f"{kata}.ipynb"
        nbformat.write(build(kata, project, lang), str(path))
        written.append(path)
    return written


def _command(args) -> int:
    from dojo.catalog import UnknownStep, load
    from dojo.paths import find_project

    catalog = load()
    project = find_project()
    if project is None:
        print(t("dojo notebook: run it inside the project (no tests/ found here).",
                "dojo notebook:请在项目目录中运行(这里找不到 tests/)。"))
        return 2
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
        written = write(modules, Path(args.out), project, getattr(args, "lang", None))
    except ImportError:
        print(t("dojo notebook needs nbformat: pip install 'pytorch-pitfall-katas[notebook]'",
                "dojo notebook 需要 nbformat:pip install 'pytorch-pitfall-katas[notebook]'"))
        return 2
    for path in written:
        print(path)
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "notebook",
        help=t("write one Jupyter notebook per kata", "为每个 kata 生成一个 Jupyter 笔记本"),
    )
    parser.add_argument("katas", nargs="*", metavar="KATA")
    parser.add_argument("--out", default="notebooks", help="folder to write (default: notebooks)")
    parser.set_defaults(func=_command)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dojo.notebook")
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args(["notebook", *(argv or [])])
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
