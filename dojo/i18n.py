"""English or 简体中文: which language learner-facing text is shown in.

Order of precedence: an explicit `set_lang` (from `--lang`), the `DOJO_LANG` variable, the
workspace's own language (the `.dojo-lang` file `dojo init --lang` writes, in the working folder
or a folder above it), the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: any `zh*` gives Chinese),
else English.
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")
_forced: str | None = None


def set_lang(lang: str | None) -> None:
    global _forced
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    _forced = lang


def lang() -> str:
    if _forced:
        return _forced
    env = os.environ.get("DOJO_LANG", "").strip().lower()
    if env in LANGS:
        return env
    chosen = workspace_lang()
    if chosen:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


LANG_FILE = ".dojo-lang"


def workspace_lang() -> str | None:
    """The language `dojo init --lang` recorded for the workspace the learner works in (its
    `.dojo-lang`, in the working folder or a folder above), or None."""
    try:
        here = os.getcwd()
    except OSError:
        return None
    while True:
        try:
            with open(os.path.join(here, LANG_FILE), "rb") as handle:
                value = handle.read(16).decode("ascii", "replace").strip().lower()
            return value if value in LANGS else None
        except OSError:
            pass
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def t(en: str, zh: str) -> str:
    """The text in the current language."""
    return zh if lang() == "zh" else en


# The name of each state a kata can be in, as every command says it (dojo.ui adds symbols and
# colours; the notebook runtime, which has no rich, says them plainly).
STATE_LABELS = {
    "solved": ("solved", "已完成"),
    "failing": ("failing", "未通过"),
    "not started": ("not started", "尚未开始"),
    "broken": ("broken: does not import", "无法导入"),
    "no tests": ("no tests yet", "暂无测试"),
    "skipped": ("skipped here (needs a GPU?)", "已跳过(需要 GPU?)"),
    "error": ("the tests could not run", "测试无法运行"),
    "crashed": ("crashed", "崩溃"),
    "timeout": ("timed out", "超时"),
    "environment": ("the environment is broken", "运行环境有问题"),
    "unknown": ("not checked yet", "尚未检查"),
}


def state_label(state: str) -> str:
    """A state's name in the current language (an unknown state as it is)."""
    en, zh = STATE_LABELS.get(state, (state, state))
    return t(en, zh)


def _ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _wide_punctuation(ch: str) -> bool:
    return "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def join_wrapped(left: str, right: str) -> str:
    """The separator between two hard-wrapped lines of prose joined into one: none between two
    Chinese characters or beside Chinese punctuation, one space anywhere else (between Chinese
    and a Latin word or code too: the catalog's house style, `在 BCELoss 之前`)."""
    a, b = left[-1:], right[:1]
    if not a or not b:
        return ""
    if (_ideograph(a) and _ideograph(b)) or _wide_punctuation(a) or _wide_punctuation(b):
        return ""
    return " "


def paragraphs(text: str) -> str:
    """The hard-wrapped lines of a catalog text joined into paragraphs (blank lines keep them
    apart)."""
    import re

    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        joined = ""
        for line in (ln.strip() for ln in para.splitlines()):
            if line:
                joined += join_wrapped(joined, line) + line
        out.append(joined)
    return "\n\n".join(out)
