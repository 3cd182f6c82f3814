"""The central catalog (`dojo/catalog.toml`): the katas in teaching order, with their titles,
concepts, sources and progressive hints, each in English and 简体中文.

A *step* is one entry of the order: usually a kata module of its own, or a group of the `koans`
module (tests marked `@pytest.mark.step("koans_autograd")`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from dojo.i18n import LANGS, lang
from dojo.paths import PACKAGE

CATALOG = PACKAGE / "catalog.toml"
TEXT_FIELDS = ("title", "concept", "why")
# Seconds per test when neither the step (`budget = ...`) nor the catalog's top-level
# `budget = ...` says: enough for a koan or a small training loop on a loaded machine.
DEFAULT_BUDGET = 10.0


class UnknownStep(LookupError):
    """A kata name that the catalog does not know; `suggestions` holds the closest names."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        super().__init__(name)


@dataclass(frozen=True)
class Step:
    id: str
    module: str
    points: float
    title: dict[str, str]
    concept: dict[str, str]
    why: dict[str, str]
    hints: dict[str, tuple[str, ...]]
    article: dict[str, str]
    snippet: str
    position: int
    budget: float = DEFAULT_BUDGET  # seconds per test (setup and call each)
    budget_slow: float = DEFAULT_BUDGET  # seconds per test marked `slow`
    pitfalls: tuple[str, ...] = ()  # the gallery entries' names, in order
    pitfall_text: dict = field(default_factory=dict)  # name -> {"en": ..., "zh": ...}
    functions: tuple[str, ...] = ()  # a group's functions in its shared module (the koans)
    why_solution: dict = field(default_factory=dict)  # why the reference is right (dojo solution)

    def text(self, field: str, language: str | None = None) -> str:
        value = getattr(self, field)
        return value.get(language or lang()) or value["en"]

    def pitfall(self, name: str, language: str | None = None) -> str:
        """A pitfall in words (one sentence), falling back to its name."""
        texts = self.pitfall_text.get(name, {})
        return texts.get(language or lang()) or texts.get("en") or name.replace("_", " ")

    def article_text(self, field: str, language: str | None = None) -> str:
        """The article's `title` or `about`, in Chinese from `title_zh` / `about_zh`."""
        if (language or lang()) == "zh" and self.article.get(f"{field}_zh"):
            return str(self.article[f"{field}_zh"])
        return str(self.article.get(field, ""))

    def budget_for(self, slow: bool = False) -> float:
        return self.budget_slow if slow else self.budget

    def hint_list(self, language: str | None = None) -> tuple[str, ...]:
        return self.hints.get(language or lang()) or self.hints["en"]

    @property
    def test_file(self) -> str:
        return f"tests/test_{self.module}.py"

    @property
    def is_group(self) -> bool:
        """True for a step that is one group of a shared module (the koans)."""
        return self.module != self.id


@dataclass(frozen=True)
class Catalog:
    steps: tuple[Step, ...]
    articles: dict[str, dict[str, str]]
    budget: float = DEFAULT_BUDGET  # seconds per test of a step that sets none

    def get(self, name: str) -> Step:
        for step in self.steps:
            if step.id == name:
                return step
        ids = list(dict.fromkeys([s.id for s in self.steps] + sorted(self.modules())))
        raise UnknownStep(name, difflib.get_close_matches(name, ids, n=3, cutoff=0.5))

    def resolve(self, name: str) -> list[Step]:
        """The steps a name stands for: one step by its id, or every step of a module."""
        found = [s for s in self.steps if s.module == name and s.id != name]
        return found or [self.get(name)]

    def modules(self) -> list[str]:
        seen: dict[str, None] = {}
        for step in self.steps:
            seen.setdefault(step.module)
        return list(seen)

    def steps_of(self, module: str) -> list[Step]:
        return [s for s in self.steps if s.module == module]

    @property
    def max_points(self) -> float:
        return sum(s.points for s in self.steps)


def _pair(raw: dict, key: str, where: str) -> dict[str, str]:
    value = raw.get(key, {})
    if isinstance(value, str):
        value = {"en": value}
    return {k: str(v).strip() for k, v in value.items()}


def _seconds(value, default: float) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return default
    return seconds if seconds > 0 else default


def parse(data: dict) -> Catalog:
    order = data.get("order", [])
    entries = data.get("kata", {})
    default_budget = _seconds(data.get("budget"), DEFAULT_BUDGET)
    steps = []
    for position, step_id in enumerate(order):
        raw = entries.get(step_id, {})
        source = raw.get("source", {})
        article = data.get("articles", {}).get(source.get("article", ""), {})
        budget = _seconds(raw.get("budget"), default_budget)
        texts = raw.get("pitfall", {})
        steps.append(
            Step(
                id=step_id,
                module=raw.get("module", step_id),
                points=float(raw.get("points", 10)),
                title=_pair(raw, "title", step_id),
                concept=_pair(raw, "concept", step_id),
                why=_pair(raw, "why", step_id),
                hints={k: tuple(v) for k, v in raw.get("hints", {}).items()},
                article={"key": source.get("article", ""), **article},
                snippet=str(source.get("snippet", "")).strip(),
                position=position,
                budget=budget,
                budget_slow=_seconds(raw.get("budget_slow"), budget),
                pitfalls=tuple(raw.get("pitfalls", [])),
                pitfall_text={name: _pair(texts, name, step_id) for name in texts},
                functions=tuple(raw.get("functions", [])),
                why_solution=_pair(raw, "why_solution", step_id),
            )
        )
    return Catalog(steps=tuple(steps), articles=data.get("articles", {}), budget=default_budget)


def problems(data: dict) -> list[str]:
    """Everything missing or inconsistent in a catalog, as sentences (empty when complete)."""
    out = []
    order = data.get("order", [])
    entries = data.get("kata", {})
    if len(set(order)) != len(order):
        out.append("the order names a step twice")
    for step_id in entries:
        if step_id not in order:
            out.append(f"[kata.{step_id}] is not in the order")
    for step_id in order:
        raw = entries.get(step_id)
        if raw is None:
            out.append(f"{step_id}: no [kata.{step_id}] entry")
            continue
        for name in TEXT_FIELDS:
            for language in LANGS:
                if not str(raw.get(name, {}).get(language, "")).strip():
                    out.append(f"{step_id}: {name}.{language} is missing")
        source = raw.get("source", {})
        if source.get("article") not in data.get("articles", {}):
            out.append(f"{step_id}: source.article must name one of [articles]")
        if not str(source.get("snippet", "")).strip():
            out.append(f"{step_id}: source.snippet is missing")
        hints = raw.get("hints", {})
        for language in LANGS:
            if len(hints.get(language, [])) < 3:
                out.append(f"{step_id}: fewer than three hints in {language}")
        if len(hints.get("en", [])) != len(hints.get("zh", [])):
            out.append(f"{step_id}: the English and Chinese hints differ in number")
        texts = raw.get("pitfall", {})
        for name in raw.get("pitfalls", []):
            for language in LANGS:
                if not str(texts.get(name, {}).get(language, "")).strip():
                    out.append(f"{step_id}: pitfall.{name}.{language} is missing "
                               f"(the pitfall in one sentence)")
        for name in texts:
            if name not in raw.get("pitfalls", []):
                out.append(f"{step_id}: pitfall.{name} is not in its pitfalls list")
        for key in ("budget", "budget_slow"):
            if key in raw and _seconds(raw[key], -1.0) <= 0:
                out.append(f"{step_id}: {key} must be a positive number of seconds")
        if raw.get("module", step_id) != step_id and not raw.get("functions"):
            out.append(f"{step_id}: a group of a shared module needs functions = [...] "
                       f"(its functions, for `dojo reset {step_id}`)")
    if "budget" in data and _seconds(data["budget"], -1.0) <= 0:
        out.append("budget (the default seconds per test) must be a positive number")
    for key, article in data.get("articles", {}).items():
        for name in ("title", "about"):
            if not str(article.get(name, "")).strip():
                out.append(f"articles.{key}: {name} is missing")
            if not str(article.get(f"{name}_zh", "")).strip():
                out.append(f"articles.{key}: {name}_zh is missing (the Chinese form)")
    return out


def read(path: Path = CATALOG) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=None)
def load(path: Path = CATALOG) -> Catalog:
    return parse(read(path))
