"""English or 简体中文: which language learner-facing text is shown in.

Order of precedence: an explicit `set_lang` (from `--lang`), the `DOJO_LANG` variable, the locale
(`LC_ALL`, `LC_MESSAGES`, `LANG`: any `zh*` gives Chinese), else English.
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
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def t(en: str, zh: str) -> str:
    """The text in the current language."""
    return zh if lang() == "zh" else en
