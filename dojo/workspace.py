"""The katas anywhere, the rustlings way: `pip install pytorch-pitfall-katas`, then

    dojo init [DIR]      a learner's workspace: katas/ (the stubs), the kata tests, a conftest.py
                         and a pytest.ini that load the plugin, a README, a .gitignore
    dojo solution KATA   the reference answer and why it is right, once that kata is solved

A workspace is laid out like a clone for everything the learner runs (`katas/` + `tests/`, a
`conftest.py` that loads `dojo.pytest_plugin`), so `dojo`, `dojo check`, `dojo watch`, `pytest`
and `pytest --kata` find it the way they find a clone. It holds no `solutions/` and no gallery:
the reference answers stay inside the package (`dojo.stubs.SOLUTIONS`) and `dojo solution` shows
one only after a fresh check of the learner's file has passed.

The command line picks the two commands up through `register` (dojo.cli's EXTENSIONS).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from dojo.i18n import LANG_FILE, t

DEFAULT_DIR = "pytorch-pitfall-katas"

CONFTEST = '''"""Loads the katas' pytest plugin (`--target`, `--kata`, `--lang`, the teaching reports)."""

pytest_plugins = ["dojo.pytest_plugin"]
'''

# The project's own [tool.pytest.ini_options] (pyproject.toml), which a workspace has no copy of;
# tests/maintainers/test_workspace.py checks that the two agree.
INI_OPTIONS: dict[str, str | list[str]] = {
    "testpaths": ["tests"],
    "addopts": "-p no:cacheprovider --benchmark-disable --strict-markers",
    "timeout": "300",
    "markers": [
        "gpu: needs CUDA (skipped with a reason when there is none)",
        "slow: trains a network for several seconds",
        "step(id): the catalog step a test belongs to, when one test module serves several steps",
    ],
    "filterwarnings": ["ignore::DeprecationWarning:torchvision.*"],
}

GITIGNORE = """# dojo's record of your progress (hints used, backups of reset katas)
.dojo/
__pycache__/
*.pyc
.pytest_cache/
.hypothesis/
.benchmarks/
# MNIST for `dojo train mnist` (the full set, if you put it here)
/data/
"""

README = """# PyTorch Pitfall Katas: my workspace

Written by `dojo init` ({version}). Fix each kata in `katas/` until its tests pass.

```bash
dojo                      # every kata, its state, and the next one to do
dojo watch                # re-checks the kata you edit on every save
dojo check KATA           # one kata's verdict
dojo hint KATA            # the next hint; dojo explain KATA: the idea behind it
dojo show KATA            # a picture of the pitfall: the reference, the wrong answers, yours
dojo solution KATA        # the reference answer, once you have solved KATA
pytest --kata KATA        # the same tests, with pytest
```

`tests/` holds the kata tests: leave them as they are. `dojo reset KATA` brings a stub back
(your file is kept in `.dojo/backups/`). For `dojo train mnist` on the full MNIST, put the four
`*-ubyte.gz` files in `data/` (or pass `--data DIR`, or `--download`); `--subset` trains on the
small set that ships with the package, `--target solutions` the reference. `.dojo-lang` holds
the workspace's language (`en` or `zh`, as `dojo init --lang` chose it): dojo and pytest speak it
here (`--lang` or `DOJO_LANG` say otherwise for one run).

## 中文

由 `dojo init` 生成({version})。修改 `katas/` 中的每个练习,直到测试通过。

```bash
dojo                      # 所有 kata、状态以及下一个
dojo watch                # 每次保存都重新检查正在编辑的 kata
dojo check KATA           # 一个 kata 的结果
dojo hint KATA            # 下一条提示;dojo explain KATA:背后的概念
dojo show KATA            # 画出这个坑:参考答案、错误答案和你的答案
dojo solution KATA        # 完成 KATA 之后,查看参考答案
pytest --kata KATA        # 用 pytest 运行同样的测试
```

`tests/` 中是 kata 的测试,请不要修改。`dojo reset KATA` 可以恢复原始文件(你的文件会备份到
`.dojo/backups/`)。要用完整的 MNIST 运行 `dojo train mnist`,请把四个 `*-ubyte.gz` 文件放进
`data/`(或者用 `--data DIR`,或 `--download`);`--subset` 使用随包附带的小数据集,`--target solutions`
训练参考答案。`.dojo-lang` 记录这个工作区的语言(`en` 或 `zh`,即 `dojo init --lang` 所选的):
dojo 和 pytest 在这里就用这种语言(某一次想用别的语言,用 `--lang` 或 `DOJO_LANG`)。
"""


class InitError(Exception):
    """`dojo init` cannot write here; the message says why and what to do."""


def pytest_ini() -> str:
    lines = ["[pytest]"]
    for key, value in INI_OPTIONS.items():
        if isinstance(value, list):
            lines.append(f"{key} =")
            lines += [f"    {item}" for item in value]
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def files(lang: str = "en") -> dict[str, bytes]:
    """{path relative to the workspace: content} of every file `dojo init` writes; the stubs in
    `lang` (their docstrings and comments: the code is the same)."""
    from dojo import __version__, stubs
    from dojo.grade.core import support_files
    from dojo.paths import kata_source

    out: dict[str, bytes] = {}
    for name, source in sorted(stubs.pristine(lang).items()):
        out[f"katas/{name}.py"] = source.encode("utf-8")
    source = kata_source()
    for path in [*sorted((source / "tests").glob("test_*.py")), *support_files(source)]:
        out[f"tests/{path.name}"] = path.read_bytes()
    out["conftest.py"] = CONFTEST.encode()
    out["pytest.ini"] = pytest_ini().encode()
    out["README.md"] = README.format(version=f"pytorch-pitfall-katas {__version__}").encode()
    out[".gitignore"] = GITIGNORE.encode()
    out[LANG_FILE] = f"{lang}\n".encode()  # the workspace's language: dojo speaks it here
    return out


def _holds_katas(dest: Path) -> bool:
    return (dest / "katas").exists() or any((dest / "tests").glob("test_*.py"))


def init(dest: Path, lang: str = "en") -> tuple[Path, list[str]]:
    """Write a workspace into `dest` (created if needed): the folder and the files written,
    relative to it; the stubs in `lang`. Refuses, touching nothing, when `dest` already holds
    katas or any file it would write; on a failure midway, removes what it wrote."""
    dest = Path(dest).expanduser().absolute()
    shown = str(dest)
    if dest.exists() and not dest.is_dir():
        raise InitError(t(f"dojo init: {shown} is a file, not a folder: name a new folder.",
                          f"dojo init:{shown} 是文件而不是文件夹:请指定一个新文件夹。"))
    if dest.is_dir() and _holds_katas(dest):
        raise InitError(t(
            f"dojo init: {shown} already holds katas; nothing was changed. Work there "
            f"(cd {shown} && dojo), or name a new folder: dojo init OTHER_DIR",
            f"dojo init:{shown} 里已经有 kata,没有做任何修改。请在那里继续(cd {shown} && dojo),"
            f"或指定一个新文件夹:dojo init 其他文件夹"))
    content = files(lang)
    clash = sorted(rel for rel in content if (dest / rel).exists() or (dest / rel).is_symlink())
    if clash:
        raise InitError(t(
            f"dojo init: {shown} already has {', '.join(clash)}; nothing was changed. "
            f"Name a new folder: dojo init OTHER_DIR",
            f"dojo init:{shown} 中已经有 {'、'.join(clash)},没有做任何修改。请指定一个新文件夹:"
            f"dojo init 其他文件夹"))
    created: list[Path] = []  # folders and files this call made, to undo on failure
    try:
        missing = [p for p in (dest, *dest.parents) if not p.exists()]
        dest.mkdir(parents=True, exist_ok=True)
        created += reversed(missing)
        for rel, data in content.items():
            path = dest / rel
            if not path.parent.exists():
                path.parent.mkdir(parents=True)
                created.append(path.parent)
            with open(path, "xb") as handle:  # never over a file that appeared meanwhile
                created.append(path)
                handle.write(data)
    except OSError as err:
        for path in reversed(created):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise InitError(t(f"dojo init: could not write {shown} ({err}); nothing was left there.",
                          f"dojo init:无法写入 {shown}({err});没有留下任何文件。")) from None
    return dest, list(content)


# --- dojo solution ---------------------------------------------------------------------------


def section(source: str, step_id: str) -> str | None:
    """The part of a module of several steps (the koans) that belongs to one step: from its
    `# --- <step_id> ---` line to the next such line. None when the module has no such part."""
    lines = source.splitlines(keepends=True)
    marker = re.compile(r"#\s*-+\s*(\w+)\s*-+\s*$")
    start = next((i for i, ln in enumerate(lines)
                  if (m := marker.match(ln.strip())) and m.group(1) == step_id), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if marker.match(lines[i].strip())),
               len(lines))
    return "".join(lines[start:end]).rstrip() + "\n"


def why_solution(step_id: str) -> str:
    """The catalog's line on why the reference is right (`why_solution`), in the learner's
    language; the concept where an entry has none yet."""
    from dojo.catalog import load
    from dojo.i18n import lang

    step = load().get(step_id)
    return step.why_solution.get(lang()) or step.why_solution.get("en") or step.text("concept")


def cmd_init(args) -> int:
    from dojo import ui
    from dojo.checking import DojoError

    from dojo.i18n import lang

    try:
        dest, written = init(Path(args.dir), lang())  # the stubs in the learner's language
    except InitError as err:
        raise DojoError(str(err)) from None
    from dojo.catalog import load

    files = sum(1 for rel in written if rel.startswith("katas/"))
    katas = len(load().steps)  # the catalog's steps, as `dojo` counts them (koans: 3 in 1 file)
    shown = os.path.relpath(dest)
    shown = str(dest) if shown.startswith("..") else shown
    ui.say(t(f"Wrote {katas} katas ({files} files) and their tests into {shown}/ (no solutions: "
             f"`dojo solution KATA` shows one once you have solved it).",
             f"已在 {shown}/ 中写入 {katas} 个 kata({files} 个文件)及其测试(不含答案:完成一个"
             f" kata 之后,`dojo solution KATA` 会显示它的参考答案)。"), style="green")
    ui.say(t(f"Next: cd {shown} && dojo      (then `dojo watch` while you edit katas/)",
             f"下一步:cd {shown} && dojo      (之后编辑 katas/ 时开着 `dojo watch`)"),
           style="bold cyan")
    return 0


def cmd_solution(args) -> int:
    from rich.syntax import Syntax

    from dojo import checking as ck
    from dojo import stubs, ui
    from dojo.progress import Progress

    project = ck.locate_project()
    cat = ck.catalog()
    steps = ck.resolve(cat, args.kata)
    module = steps[0].module
    try:
        answers = stubs.solutions()
    except (OSError, ValueError):
        raise ck.DojoError(t(
            "this installation ships no reference answers (a course's student edition?): ask "
            "your instructor.",
            "这个安装不含参考答案(课程的学生版?):请询问你的讲师。"), 1) from None
    if module not in answers:
        raise ck.DojoError(t(f"no reference answer for {module} in this version of the package.",
                             f"这个版本的包里没有 {module} 的参考答案。"), 1)
    source = answers[module]
    # one group of a module of several steps (the koans): its own part, once it is solved;
    # anything else: the whole file, once every step of the module is solved
    part = section(source, steps[0].id) if len(steps) == 1 and steps[0].is_group else None
    needed = steps if part is not None else cat.steps_of(module)
    name = needed[0].id if len(needed) == 1 else module
    progress = Progress(project, warn=ui.note)
    verdicts = ck.check_steps(project, cat, needed, progress)  # fresh: the learner's file now
    progress.save()
    unsolved = [v for v in verdicts if not v.solved]
    if unsolved:
        which = t(", ".join(f"{v.step} ({ui.state_label(v.state)})" for v in unsolved),
                  "、".join(f"{v.step}({ui.state_label(v.state)})" for v in unsolved))
        ui.say(t(f"Not yet: {which}. The reference answer is shown once `dojo check {name}` "
                 f"passes.",
                 f"还不行:{which}。`dojo check {name}` 通过之后才会显示参考答案。"))
        return 1
    shown = part or source
    ui.say(t(f"The reference answer of {name} (solved ✓)", f"{name} 的参考答案(已完成 ✓)"),
           style="bold green")
    con = ui.console()
    if con.is_terminal:
        con.print(Syntax(shown.rstrip("\n"), "python", line_numbers=False))
    else:
        ui.say(shown.rstrip("\n"))
    ui.say("")
    for step in needed:
        label = t("Why it is right", "为什么正确") + (f" ({step.id})" if len(needed) > 1 else "")
        ui.say(label + t(": ", ":") + why_solution(step.id), style="bold")
    ui.say(t(f"Yours: katas/{module}.py", f"你的答案:katas/{module}.py"), style="dim")
    return 0


def register(subparsers) -> None:
    import argparse

    from dojo import i18n

    def add(name, func, en, zh):
        parser = subparsers.add_parser(name, help=t(en, zh), description=t(en, zh))
        parser.add_argument("--lang", choices=i18n.LANGS, default=argparse.SUPPRESS,
                            help=t("language: en or zh (default: DOJO_LANG, else the workspace's .dojo-lang, else the locale)",
                                   "语言:en 或 zh(默认取 DOJO_LANG,其次是工作区的 .dojo-lang,否则取系统语言)"))
        parser.set_defaults(func=func)
        return parser

    p = add("init", cmd_init,
            "write a workspace of katas into DIR (the stubs and their tests; no solutions)",
            "在 DIR 中建立练习目录(练习文件及其测试,不含答案)")
    p.add_argument("dir", nargs="?", default=DEFAULT_DIR, metavar="DIR",
                   help=t(f"the folder to create (default: {DEFAULT_DIR})",
                          f"要建立的文件夹(默认:{DEFAULT_DIR})"))
    p = add("solution", cmd_solution,
            "the reference answer of a kata you have solved, and why it is right",
            "已完成的 kata 的参考答案,以及它为什么正确")
    p.add_argument("kata", metavar="KATA", help=t("a kata you have solved", "一个已完成的 kata"))
