"""`dojo`: the learner's command line (also `python -m dojo`).

    dojo                 every kata in teaching order with its state, and the next one to do
    dojo check [KATA]    one kata's verdict (default: the next unsolved); exit 0 when solved
    dojo watch [KATA]    re-check the kata you are editing on every save
    dojo hint [KATA]     the next hint (--all: every hint so far)
    dojo explain [KATA]  the concept, the article it comes from, why it matters
    dojo reset KATA      the shipped stub back (your file is kept as a backup); for a koans
                         group, only that group's functions
    dojo restore KATA    the latest backup back (--list: every backup; N: the N-th)
    dojo show [KATA]     a picture of the pitfall (a PNG)

Every command takes `--lang en|zh` (default: `DOJO_LANG`, else the locale).

Other modules add commands: each module of EXTENSIONS that imports exposes
`register(subparsers)`, which adds its parser and sets `func` (a handler `func(args) -> int`);
a module that is absent is simply not listed. `dojo train mnist ARGS...` calls
`dojo.train_mnist.main(ARGS)` when that module exists.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import os
import re
import sys
from pathlib import Path

from dojo import i18n
from dojo.i18n import t

EXTENSIONS = ("dojo.grade", "dojo.notebook", "dojo.workspace")
BUILTIN = ("list", "check", "watch", "hint", "explain", "reset", "restore", "show")


# --- commands --------------------------------------------------------------------------------


def cmd_list(args) -> int:
    from rich.table import Table

    from dojo import checking as ck
    from dojo import ui
    from dojo.progress import Progress

    project = ck.locate_project()
    cat = ck.catalog()
    progress = Progress(project, warn=ui.note)
    con = ui.console()
    if con.is_terminal:
        with con.status(t("running the kata tests…", "正在运行 kata 测试…")):
            states = ck.states(project, cat, progress, fresh=args.fresh)
    else:
        states = ck.states(project, cat, progress, fresh=args.fresh)
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column(t("kata", "练习"))
    table.add_column(t("state", "状态"), no_wrap=True)
    table.add_column(t("what it teaches", "内容"))
    for i, step in enumerate(cat.steps, 1):
        title = ck.text(step, "title")
        table.add_row(str(i), step.id, ui.state_text(states[step.id]),
                      "" if title == step.id else title)
    con.print(table)
    solved = sum(1 for s in states.values() if s == "solved")
    ui.say("")
    ui.say(t(f"{solved}/{len(cat.steps)} solved", f"已完成 {solved}/{len(cat.steps)}"),
           style="bold")
    nxt = ck.next_step(cat, states)
    progress.current = nxt.id if nxt else None
    progress.save()
    if nxt is None:
        if solved:
            ck.offer_next(cat, None)
        return 0
    title = ck.text(nxt, "title")
    ui.say(t(f"Next: {nxt.id}" + (f" — {title}" if title != nxt.id else "")
             + f" ({ui.state_label(states[nxt.id])})",
             f"下一个:{nxt.id}" + (f" — {title}" if title != nxt.id else "")
             + f"({ui.state_label(states[nxt.id])})"), style="bold cyan")
    ui.say(t(f"  edit katas/{nxt.module}.py, then: dojo check {nxt.id}   "
             f"(or keep `dojo watch` running)",
             f"  编辑 katas/{nxt.module}.py,然后运行:dojo check {nxt.id}   "
             f"(或者一直开着 `dojo watch`)"))
    return 0


def cmd_check(args) -> int:
    from dojo import checking as ck
    from dojo import ui
    from dojo.progress import Progress, fingerprint

    project = ck.locate_project()
    cat = ck.catalog()
    progress = Progress(project, warn=ui.note)
    if args.kata:
        steps = ck.resolve(cat, args.kata)
        verdicts = ck.check_steps(project, cat, steps, progress)
        for verdict in verdicts:
            ck.show_verdict(project, cat, progress, verdict)
        ok = all(v.solved for v in verdicts)
        unsolved = [v.step for v in verdicts if not v.solved]
        if ok:
            nxt = ck.next_step(cat, _known_states(project, cat, progress), after=steps[-1].id)
            progress.current = nxt.id if nxt else None
            ck.offer_next(cat, nxt)
        else:
            progress.current = unsolved[0]
        progress.save()
        return 0 if ok else 1
    # the next unsolved kata: trust what is known unchanged, check the rest in order
    for step in cat.steps:
        if not ck.has_tests(project, step.module):
            continue
        if progress.cached_state(step.id, fingerprint(project, step.module)) == "solved":
            continue
        (verdict,) = ck.check_steps(project, cat, [step], progress)
        if verdict.solved:
            ck.show_verdict(project, cat, progress, verdict)
            continue
        ck.show_verdict(project, cat, progress, verdict)
        progress.current = step.id
        progress.save()
        return 0 if verdict.state in ("no tests", "skipped") else 1
    progress.current = None
    progress.save()
    ck.offer_next(cat, None)
    return 0


def _known_states(project, cat, progress) -> dict[str, str]:
    """States from the cache, without running anything ('unknown' where nothing is known)."""
    from dojo import checking as ck
    from dojo.progress import fingerprint

    out = {}
    for step in cat.steps:
        if not ck.has_tests(project, step.module):
            out[step.id] = "no tests"
        else:
            key = fingerprint(project, step.module)
            out[step.id] = progress.cached_state(step.id, key) or "unknown"
    return out


def _one_step(cat, project, progress, name):
    from dojo import checking as ck

    if name:
        steps = ck.resolve(cat, name)
        if len(steps) > 1:  # a module of several steps: the first one not solved
            known = _known_states(project, cat, progress)
            return ck.first_open(steps, known)
        return steps[0]
    step = ck.guess_current(project, cat, progress)
    if step is None:
        raise ck.DojoError(t("every kata is solved: name one, e.g. `dojo hint inplace_update`.",
                             "所有 kata 都已完成:请指定一个,例如 `dojo hint inplace_update`。"))
    return step


def cmd_hint(args) -> int:
    from rich.text import Text

    from dojo import checking as ck
    from dojo import ui
    from dojo.progress import Progress

    project = ck.locate_project(allow_missing_katas=True)
    cat = ck.catalog()
    progress = Progress(project, warn=ui.note)
    step = _one_step(cat, project, progress, args.kata)
    hints = ck.hints(step)
    if not hints:
        raise ck.DojoError(t(f"{step.id} has no hints yet: `dojo explain {step.id}` has the idea.",
                             f"{step.id} 还没有提示:`dojo explain {step.id}` 讲了背后的概念。"), 1)
    used = min(progress.hints_used(step.id), len(hints))
    total = len(hints)
    if args.all:
        upto = max(used, 1)
        shown = range(upto)
    else:
        upto = used + 1 if used < total else total
        shown = [upto - 1]
    progress.set_hints_used(step.id, max(used, upto))
    progress.current = step.id
    progress.save()
    head = Text(step.id, style="bold")
    head.append(f" — {ck.text(step, 'title')}")
    ui.say(head)
    for i in shown:
        label = t(f"Hint {i + 1}/{total}: ", f"提示 {i + 1}/{total}:")
        line = Text(label, style="bold cyan")
        line.append(_styled(hints[i]))
        ui.say(line)
    if not args.all and used >= total:
        ui.say(t(f"That was the last hint (all {total} shown; `dojo hint {step.id} --all` shows "
                 f"them together). The idea behind it: dojo explain {step.id}",
                 f"这已经是最后一条提示(共 {total} 条;`dojo hint {step.id} --all` 可一起显示)。"
                 f"背后的概念:dojo explain {step.id}"), style="dim")
    elif upto < total:
        ui.say(t(f"Another nudge: dojo hint {step.id}   ({total - upto} more)",
                 f"还需要提示:dojo hint {step.id}   (还有 {total - upto} 条)"), style="dim")
    else:
        ui.say(t(f"That was the last hint. The idea behind it: dojo explain {step.id}",
                 f"这是最后一条提示。背后的概念:dojo explain {step.id}"), style="dim")
    return 0


def _paragraphs(text: str) -> str:
    """Join the hard-wrapped lines of a catalog text into paragraphs."""
    return i18n.paragraphs(text)


def _styled(text: str):
    from rich.text import Text

    out = Text(text)
    out.highlight_regex(r"`[^`]+`", "cyan")
    return out


def cmd_explain(args) -> int:
    from rich.text import Text

    from dojo import checking as ck
    from dojo import ui

    project = ck.locate_project(allow_missing_katas=True)
    cat = ck.catalog()
    from dojo.progress import Progress

    progress = Progress(project, warn=ui.note)
    step = _one_step(cat, project, progress, args.kata)
    head = Text(step.id, style="bold")
    head.append(f" — {ck.text(step, 'title')}", style="bold")
    ui.say(head)
    ui.say("")
    for label, field in ((t("The concept", "概念"), "concept"),
                         (t("Why it matters", "为什么重要"), "why")):
        body = ck.text(step, field)
        if body:
            ui.say(label, style="bold underline")
            ui.say(_styled(_paragraphs(body)))
            ui.say("")
    title, about = step.article_text("title"), step.article_text("about")
    if title or step.snippet:
        ui.say(t("Where it comes from", "出处"), style="bold underline")
        if title:
            author = step.article.get("author")
            who = f" ({author})" if author else ""
            ui.say(t(f"Article: {title}{who}", f"文章:{title}{who}"))
            if about:
                ui.say(_styled(t(f"  about: {about}", f"  内容:{about}")), style="dim")
            url = step.article.get("url")
            if url:  # sources outside the five articles (issue 14)
                ui.say(f"  {url}", style="dim")
        if step.snippet:
            ui.say(t("The snippet:", "代码片段:"))
            ui.say(ui.indent(step.snippet, "    "), style="cyan")
        ui.say("")
    if step.pitfalls:
        ui.say(t("Pitfalls its tests catch", "测试会抓住的陷阱"), style="bold underline")
        for name in step.pitfalls:
            ui.say(_styled(f"  • {step.pitfall(name)}"))
        ui.say("")
    from dojo.show import has_picture

    used, total = progress.hints_used(step.id), len(ck.hints(step))
    picture = has_picture(step.module)
    ui.say(t(f"Check: dojo check {step.id}   Hints: dojo hint {step.id} ({used}/{total} used)"
             + (f"   Picture: dojo show {step.id}" if picture else ""),
             f"检查:dojo check {step.id}   提示:dojo hint {step.id}(已用 {used}/{total})"
             + (f"   图示:dojo show {step.id}" if picture else "")), style="dim")
    return 0


def cmd_reset(args) -> int:
    from dojo import checking as ck
    from dojo import stubs, ui
    from dojo.progress import Progress

    project = ck.locate_project(allow_missing_katas=True)
    cat = ck.catalog()
    progress = Progress(project, warn=ui.note)
    try:
        pristine = {lang: stubs.pristine(lang) for lang in i18n.LANGS}
    except (OSError, ValueError) as err:
        raise ck.DojoError(t(f"the shipped stubs cannot be read ({err}): reinstall the package.",
                             f"无法读取随包发布的原始文件({err}):请重新安装。")) from None
    group = None
    if args.all:
        modules = list(pristine["en"])
    elif args.kata:
        steps = ck.resolve(cat, args.kata)
        modules = list(dict.fromkeys(s.module for s in steps))
        if len(steps) == 1 and steps[0].is_group:
            group = steps[0]
    else:
        raise ck.DojoError(t("which kata? `dojo reset KATA` (or `dojo reset --all`).",
                             "哪个 kata?`dojo reset KATA`(或 `dojo reset --all`)。"))
    code = 0
    for module in modules:
        if module not in pristine["en"]:
            ui.error(t(f"no shipped stub for {module} in this version of the package: "
                       f"update it (git pull; pip install -e .).",
                       f"这个版本的包里没有 {module} 的原始文件:请更新(git pull;pip install -e .)。"))
            code = 2
            continue
        stub = pristine[_language_of_kata(project, module)][module]
        if group is not None:
            code = max(code, _reset_group(project, progress, group, stub))
        else:
            code = max(code, _reset_one(project, progress, module, stub))
    progress.save()
    return code


def _language_of_kata(project: Path, module: str) -> str:
    """The language of the stub `dojo reset` brings back: the one the learner's file is in
    (a workspace made with `dojo init --lang zh` has Chinese stubs); for a file that is
    missing, the language the learner works in."""
    from dojo import stubs

    try:
        return stubs.language_of(
            (project / "katas" / f"{module}.py").read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return i18n.lang()


def _write_kata(project: Path, progress, module: str, text: str, done_en: str, done_zh: str,
                fresh_en: str, fresh_zh: str) -> int:
    """Write a kata file through dojo.backups (what was there is backed up first) and say so."""
    from dojo import backups, ui

    shown = f"katas/{module}.py"
    try:
        backup = backups.replace(project, module, text)
    except backups.BackupError as err:
        ui.error(t(f"could not back up or write {shown} ({err}): it was left as it is.",
                   f"无法备份或写入 {shown}({err}):文件保持原样。"))
        return 2
    if backup is None:
        ui.say(t(fresh_en, fresh_zh), style="green")
        return 0
    progress.record_backup(module, backup)
    where = backup.relative_to(project)
    ui.say(t(f"{done_en}; your version is saved as {where} (`dojo restore {module}` brings it "
             f"back)",
             f"{done_zh};你的版本保存在 {where}(`dojo restore {module}` 可以恢复)"),
           style="green")
    return 0


def _reset_one(project: Path, progress, module: str, stub: str) -> int:
    from dojo import ui

    path = project / "katas" / f"{module}.py"
    shown = f"katas/{module}.py"
    if path.exists():
        try:
            mine = path.read_bytes()
        except OSError as err:
            ui.error(t(f"cannot read {shown} ({err}): nothing was changed.",
                       f"无法读取 {shown}({err}):没有做任何修改。"))
            return 2
        if mine == stub.encode("utf-8"):
            ui.say(t(f"{shown} is already the shipped stub: nothing to do.",
                     f"{shown} 已经是原始文件:无需重置。"))
            return 0
    return _write_kata(project, progress, module, stub,
                       f"{shown} is the shipped stub again", f"{shown} 已恢复为原始文件",
                       f"{shown} was missing: the shipped stub is back.",
                       f"{shown} 不存在:已写回原始文件。")


def _reset_group(project: Path, progress, step, stub: str) -> int:
    """Reset one group's functions in a shared module (a koans group), nothing else."""
    from dojo import backups, ui

    module = step.module
    path = project / "katas" / f"{module}.py"
    shown = f"katas/{module}.py"
    if not path.exists():
        return _reset_one(project, progress, module, stub)
    try:
        mine = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        ui.error(t(f"cannot read {shown} ({err}): nothing was changed.",
                   f"无法读取 {shown}({err}):没有做任何修改。"))
        return 2
    try:
        text = backups.reset_functions(mine, stub, step.functions)
    except backups.NotParsed as err:
        ui.error(t(f"{shown} does not parse (line {err.line}: {err}), so {step.id}'s functions "
                   f"cannot be told apart: fix that line, or reset the whole file with "
                   f"`dojo reset {module}` (your file is backed up).",
                   f"{shown} 无法解析(第 {err.line} 行:{err}),分不出 {step.id} 的函数:请修正这一行,"
                   f"或者用 `dojo reset {module}` 重置整个文件(你的文件会备份)。"))
        return 2
    names = ", ".join(step.functions)
    if text == mine:
        ui.say(t(f"{step.id}'s functions in {shown} are already the shipped stub: nothing to do.",
                 f"{shown} 中 {step.id} 的函数已经是原始版本:无需重置。"))
        return 0
    return _write_kata(project, progress, module, text,
                       f"{step.id} is reset in {shown} ({names}); the rest of the file is as "
                       f"it was",
                       f"{shown} 中的 {step.id} 已重置({names});文件的其余部分保持不变",
                       "", "")


def cmd_restore(args) -> int:
    from dojo import backups
    from dojo import checking as ck
    from dojo import ui
    from dojo.progress import Progress

    project = ck.locate_project(allow_missing_katas=True)
    cat = ck.catalog()
    module = ck.resolve(cat, args.kata)[0].module
    found = backups.backups(project, module)
    shown = f"katas/{module}.py"
    if not found:
        raise ck.DojoError(t(f"no backup of {shown} yet (`dojo reset` makes one).",
                             f"{shown} 还没有备份(`dojo reset` 会生成备份)。"), 1)
    if args.list:
        ui.say(t(f"Backups of {shown}, newest first (`dojo restore {module} N` brings back "
                 f"number N):",
                 f"{shown} 的备份,最新的在前(`dojo restore {module} N` 恢复第 N 个):"),
               style="bold")
        for i, backup in enumerate(found, 1):
            size = backup.path.stat().st_size
            ui.say(f"{i:>3}  {backup.when}  {backup.path.relative_to(project)}  "
                   + t(f"({size} bytes)", f"({size} 字节)"))
        return 0
    number = args.number or 1
    if not 1 <= number <= len(found):
        raise ck.DojoError(t(f"there are {len(found)} backups of {shown}: pick 1 to "
                             f"{len(found)} (`dojo restore {module} --list` shows them).",
                             f"{shown} 共有 {len(found)} 个备份:请选 1 到 {len(found)}"
                             f"(`dojo restore {module} --list` 会列出它们)。"))
    chosen = found[number - 1]
    try:
        data = chosen.path.read_bytes()
    except OSError as err:
        raise ck.DojoError(t(f"cannot read {chosen.path} ({err}).",
                             f"无法读取 {chosen.path}({err})。")) from None
    path = project / "katas" / f"{module}.py"
    if path.exists() and path.read_bytes() == data:
        ui.say(t(f"{shown} is already the same as the backup of {chosen.when}: nothing to do.",
                 f"{shown} 与 {chosen.when} 的备份相同:无需恢复。"))
        return 0
    progress = Progress(project, warn=ui.note)
    code = _write_kata(project, progress, module, data,
                       f"{shown} is back as it was at {chosen.when}",
                       f"{shown} 已恢复为 {chosen.when} 的版本",
                       f"{shown} is back as it was at {chosen.when}.",
                       f"{shown} 已恢复为 {chosen.when} 的版本。")
    progress.save()
    return code


def cmd_show(args) -> int:
    from dojo import checking as ck
    from dojo import show, ui
    from dojo.progress import Progress

    project = ck.locate_project(allow_missing_katas=True)
    cat = ck.catalog()
    progress = Progress(project, warn=ui.note)
    step = _one_step(cat, project, progress, args.kata)
    con = ui.console()
    try:
        if con.is_terminal:
            with con.status(t(f"drawing {step.module}…", f"正在绘制 {step.module}…")):
                picture = show.make(project, step.module, out=args.out)
        else:
            picture = show.make(project, step.module, out=args.out)
    except show.NothingToShow as err:
        ui.say(str(err))
        return 1
    ui.say(picture.summary)
    for line in picture.notes:  # with the rest, on stdout
        ui.say(t("note: ", "注意:") + line, style="yellow")
    ui.say(t(f"picture: {picture.path}", f"图片:{picture.path}"), style="bold green")
    return 0


def cmd_watch(args) -> int:
    from dojo import watch

    return watch.main(args)


def cmd_train(args) -> int:
    try:
        module = importlib.import_module("dojo.train_mnist")
    except ImportError as err:
        from dojo.checking import DojoError

        raise DojoError(t(f"`dojo train mnist` is not available here ({err}).",
                          f"这里无法使用 `dojo train mnist`({err})。")) from None
    return int(module.main(list(args.rest)) or 0)


# --- the parser ------------------------------------------------------------------------------


def _lang_from(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in i18n.LANGS else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in i18n.LANGS else None
    return None


def _command_word(argv: list[str]) -> str | None:
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--lang":
            skip = True
            continue
        if not arg.startswith("-"):
            return arg
    return None


def build_parser(extensions: bool = True) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=i18n.LANGS, default=argparse.SUPPRESS,
                        help=t("language: en or zh (default: DOJO_LANG, else the workspace's .dojo-lang, else the locale)",
                               "语言:en 或 zh(默认取 DOJO_LANG,其次是工作区的 .dojo-lang,否则取系统语言)"))
    parser = argparse.ArgumentParser(
        prog="dojo",
        parents=[common],
        description=t("PyTorch Pitfall Katas: fix each kata in katas/ until its tests pass.",
                      "PyTorch 陷阱练习:修改 katas/ 中的每个练习,直到测试通过。"),
        epilog=t("Start with `dojo watch`, then edit the file it names.",
                 "从 `dojo watch` 开始,然后编辑它指出的文件。"),
    )
    parser.set_defaults(func=cmd_list, fresh=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                title=t("commands", "命令"))

    def add(name, func, en, zh):
        p = sub.add_parser(name, parents=[common], help=t(en, zh), description=t(en, zh))
        p.set_defaults(func=func)
        return p

    kata_help = t("a kata (default: the one you are on)", "kata 名称(默认:当前这个)")
    p = add("list", cmd_list, "every kata, its state and the next one to do",
            "列出所有 kata、状态以及下一个")
    p.add_argument("--fresh", action="store_true",
                   help=t("re-run every kata's tests (ignore what is known)", "重新运行所有测试"))
    p = add("check", cmd_check, "check one kata (default: the next unsolved); exit 0 when solved",
            "检查一个 kata(默认:下一个未完成的);完成时退出码为 0")
    p.add_argument("kata", nargs="?", help=t("a kata (default: the next unsolved one)",
                                             "kata 名称(默认:下一个未完成的)"))
    p = add("watch", cmd_watch, "re-check the kata you edit on every save (Ctrl-C to stop)",
            "每次保存时重新检查正在编辑的 kata(Ctrl-C 退出)")
    p.add_argument("kata", nargs="?", help=kata_help)
    p.add_argument("--poll", action="store_true",
                   help=t("poll for changes (for file systems without change events)",
                          "轮询文件变化(用于没有文件事件的文件系统)"))
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help=t("seconds each test may run before your code is stopped (default: "
                          "each kata's budget from the catalog)",
                          "每个测试最多运行的秒数,超过就停止你的代码(默认:目录中每个 kata 的时间预算)"))
    p = add("hint", cmd_hint, "the next hint for a kata (progressive)", "一个 kata 的下一条提示(逐步深入)")
    p.add_argument("kata", nargs="?", help=kata_help)
    p.add_argument("--all", action="store_true",
                   help=t("every hint shown so far", "显示目前为止的所有提示"))
    p = add("explain", cmd_explain, "the concept, the article it comes from, why it matters",
            "概念、出处以及为什么重要")
    p.add_argument("kata", nargs="?", help=kata_help)
    p = add("reset", cmd_reset, "bring back the shipped stub (your file is kept as a backup)",
            "恢复原始练习文件(你的文件会备份)")
    p.add_argument("kata", nargs="?", help=t("the kata to reset", "要重置的 kata"))
    p.add_argument("--all", action="store_true",
                   help=t("reset every kata (e.g. when katas/ is gone)",
                          "重置所有 kata(例如 katas/ 不见了时)"))
    p = add("restore", cmd_restore, "bring back a backup of a kata file (what is there is "
            "backed up first)", "恢复 kata 文件的备份(当前文件会先备份)")
    p.add_argument("kata", help=t("the kata", "kata 名称"))
    p.add_argument("number", nargs="?", type=int, default=None, metavar="N",
                   help=t("which backup: 1 is the latest (default)", "第几个备份:1 为最新(默认)"))
    p.add_argument("--list", action="store_true",
                   help=t("list the backups, newest first", "列出备份,最新的在前"))
    p = add("show", cmd_show, "a picture of the pitfall (PNG under .dojo/show/)",
            "陷阱的图示(PNG,保存在 .dojo/show/)")
    p.add_argument("kata", nargs="?", help=kata_help)
    p.add_argument("--out", default=None, metavar="FILE",
                   help=t("where to write the PNG", "PNG 的保存位置"))

    if extensions:
        if importlib.util.find_spec("dojo.train_mnist") is not None:
            p = add("train", cmd_train, "train a network: dojo train mnist [options]",
                    "训练网络:dojo train mnist [选项]")
            p.add_argument("what", choices=["mnist"])
            p.add_argument("rest", nargs=argparse.REMAINDER)
        for name in EXTENSIONS:
            try:
                module = importlib.import_module(name)
            except ImportError as err:
                if os.environ.get("DOJO_DEBUG"):
                    print(f"dojo: {name} not loaded: {err}", file=sys.stderr)
                continue
            register = getattr(module, "register", None)
            if callable(register):
                register(sub)
    parser.dojo_commands = sub.choices  # type: ignore[attr-defined]
    return parser


# What `pip install -e .` brings (import names); one missing is said in one line.
DEPENDENCIES = ("rich", "pytest", "torch", "torchvision", "hypothesis", "watchfiles", "tqdm",
                "matplotlib", "numpy", "tomli", "pytest_benchmark", "pytest_timeout")
RUN_TESTS = ("list", "check", "watch", "show", "train", None)  # None: plain `dojo`


def missing_dependency(err: ImportError | None = None, word: str | None = "") -> str | None:
    """One line saying how to install what is missing, or None. From an ImportError, or (no
    error) by looking for what the command `word` needs before it runs."""
    if err is not None:
        name = (getattr(err, "name", None) or "").split(".")[0]
        if name not in DEPENDENCIES:
            return None
    else:
        needed = ["rich"] + (["pytest", "hypothesis", "torch"] if word in RUN_TESTS else [])
        name = next((n for n in needed if importlib.util.find_spec(n) is None), None)
        if name is None:
            return None
    return t(f"dojo needs its dependencies, and `{name}` is not installed: run "
             f"`pip install -e .` in the project's folder (or `pip install pytorch-pitfall-katas`).",
             f"dojo 需要它的依赖,而 `{name}` 没有安装:请在项目文件夹中运行 `pip install -e .`"
             f"(或 `pip install pytorch-pitfall-katas`)。")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    i18n.set_lang(_lang_from(argv))
    word = _command_word(argv)
    try:
        line = missing_dependency(word=word)
    except (ImportError, ValueError):
        line = None
    if line is not None and not any(a in ("-h", "--help") for a in argv):
        print(line, file=sys.stderr)
        return 2
    return _main(argv, word)


def _main(argv: list[str], word: str | None) -> int:
    wants_all = word not in BUILTIN or any(a in ("-h", "--help") for a in argv)
    if word is None and not any(a in ("-h", "--help") for a in argv):
        wants_all = False
    try:
        from dojo import ui
        from dojo.checking import DojoError
    except ImportError as err:
        line = missing_dependency(err)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 2

    try:
        parser = build_parser(extensions=wants_all)
        choices = parser.dojo_commands
        if word is not None and word not in choices:
            _unknown_command(word, list(choices))
            return 2
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:
            return int(exit_.code or 0) if not isinstance(exit_.code, str) else 2
        if getattr(args, "lang", None):
            i18n.set_lang(args.lang)
        return int(args.func(args) or 0)
    except DojoError as err:
        ui.error(str(err))
        return err.code
    except KeyboardInterrupt:
        ui.say("")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - a learner sees one line, not a traceback
        line = missing_dependency(err) if isinstance(err, ImportError) else None
        if line is not None:
            ui.error(line)
            return 2
        if os.environ.get("DOJO_DEBUG"):
            raise
        ui.error(t(f"dojo: internal error: {type(err).__name__}: {err} "
                   f"(DOJO_DEBUG=1 shows the traceback; please report it)",
                   f"dojo:内部错误:{type(err).__name__}:{err}"
                   f"(设置 DOJO_DEBUG=1 可查看完整信息;请报告这个问题)"))
        return 3


def _unknown_command(word: str, commands: list[str]) -> None:
    from dojo import ui

    try:
        from dojo.catalog import load

        cat = load()
        ids = [s.id for s in cat.steps] + cat.modules()
    except Exception:  # noqa: BLE001
        ids = []
    if word in ids:
        ui.error(t(f"'{word}' is a kata, not a command: dojo check {word}",
                   f"'{word}' 是一个 kata,不是命令:dojo check {word}"))
        return
    close = difflib.get_close_matches(word, commands, n=3, cutoff=0.5)
    hint = (t(f"did you mean: {', '.join(close)}?", f"你是不是想用:{'、'.join(close)}?")
            if close else t(f"the commands: {', '.join(commands)}", f"可用命令:{'、'.join(commands)}"))
    ui.error(t(f"dojo: no command '{word}': {hint}", f"dojo:没有 '{word}' 这个命令:{hint}"))
