"""The central catalog (`dojo/catalog.toml`): the katas in teaching order, with their titles,
concepts, sources and progressive hints, each in English and 简体中文.

A *step* is one entry of the order: usually a kata module of its own, or a group of the `koans`
module (tests marked `@pytest.mark.step("koans_autograd")`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
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

    def text(self, field: str, language: str | None = None) -> str:
        value = getattr(self, field)
        return value.get(language or lang()) or value["en"]

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

    def get(self, name: str) -> Step:
        for step in self.steps:
            if step.id == name:
                return step
        ids = [s.id for s in self.steps] + sorted(self.modules())
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


def parse(data: dict) -> Catalog:
    order = data.get("order", [])
    entries = data.get("kata", {})
    steps = []
    for position, step_id in enumerate(order):
        raw = entries.get(step_id, {})
        source = raw.get("source", {})
        article = data.get("articles", {}).get(source.get("article", ""), {})
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
            )
        )
    return Catalog(steps=tuple(steps), articles=data.get("articles", {}))


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
        for field in TEXT_FIELDS:
            for language in LANGS:
                if not str(raw.get(field, {}).get(language, "")).strip():
                    out.append(f"{step_id}: {field}.{language} is missing")
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
    return out


def read(path: Path = CATALOG) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


@lru_cache(maxsize=None)
def load(path: Path = CATALOG) -> Catalog:
    return parse(read(path))
