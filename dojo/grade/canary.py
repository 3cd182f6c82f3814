"""Canary tests: tests whose outcome the grader knows, written to look like the kata's own.

For every job the grading process appends a few canaries to its copy of the kata's test module.
Their names are made of the words of the module's real test names, their bodies use the same
helpers (`close`, `expect`, `torch.equal`, a plain `assert`), they ask for the `kata` fixture
like a real test, and which ones must pass and which must fail is drawn at random for each job.
A submission that makes failures pass (a patched `torch.allclose`, a patched report, a rewritten
report file) turns a failing canary into a pass and the kata scores 0, flagged. Canaries never
count towards a score and are never shown to the student.
"""

from __future__ import annotations

import ast
import random
import re
from dataclasses import dataclass
from pathlib import Path

GENERIC = (
    "keeps", "matches", "the", "callers", "values", "after", "every", "step", "shape",
    "returns", "same", "tensor", "gradient", "in", "place", "for", "each", "batch", "is",
    "not", "changed", "by", "a", "second", "call", "when", "result", "loss", "leaf",
)


@dataclass(frozen=True)
class Canary:
    name: str
    expect: str  # "passed" or "failing"
    source: str


def real_test_names(test_file: Path) -> list[str]:
    tree = ast.parse(Path(test_file).read_text(encoding="utf-8"))
    return [
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")
    ]


def _name(rng: random.Random, words: list[str], taken: set[str]) -> str:
    for _ in range(1000):
        k = rng.randint(3, 7)
        name = "test_" + "_".join(rng.choice(words) for _ in range(k))
        if name not in taken and not re.search(r"_(\w+)_\1(_|$)", name):
            taken.add(name)
            return name
    name = f"test_{rng.choice(words)}_{rng.randrange(10**6)}"
    taken.add(name)
    return name


_PHRASES = (
    ("the result differs from the one the test computes itself",
     "结果与测试自己算出的不同"),
    ("the values changed between two calls that should agree",
     "两次本应一致的调用之间数值变了"),
    ("the caller's tensor does not hold the expected values",
     "调用方的张量没有得到预期的值"),
    ("the step is not the one written out in the test",
     "这一步与测试中写出的不一致"),
)


def _body(rng: random.Random, kata: str, passes: bool) -> str:
    kind = rng.choice(("close", "equal", "assert", "allclose", "fail"))
    if kind == "fail" and passes:
        kind = "close"
    en, zh = rng.choice(_PHRASES)
    seed = rng.randrange(1, 10**6)
    rows, cols = rng.randint(1, 5), rng.randint(1, 4)
    delta = round(rng.uniform(0.05, 3.0), 3) * rng.choice((1, -1))
    call = f"{kata}: check {rng.randint(1, 9)}"
    msg = f"{en!r}, {zh!r}, call={call!r}, kata={kata!r}"
    if kind == "close":
        change = "* 1.0" if passes else f"+ {delta}"
        return (
            f"    import torch\n"
            f"    from dojo.testing import close, expect\n"
            f"    gen = torch.Generator().manual_seed({seed})\n"
            f"    got = torch.randn({rows}, {cols}, generator=gen)\n"
            f"    want = got.clone() {change}\n"
            f"    expect(close(got, want), {msg}, got=got, expected=want)\n"
        )
    if kind == "equal":
        n = rng.randint(2, 9)
        shift = "" if passes else f" + {rng.randint(1, 5)}"
        return (
            f"    import torch\n"
            f"    from dojo.testing import expect\n"
            f"    got = torch.arange({n}) * 2\n"
            f"    want = torch.arange({n}) + torch.arange({n}){shift}\n"
            f"    expect(torch.equal(got, want), {msg})\n"
        )
    if kind == "allclose":
        x = round(rng.uniform(-5, 5), 3)
        extra = "" if passes else f" + {abs(delta)}"
        return (
            f"    import torch\n"
            f"    from dojo.testing import expect\n"
            f"    x = torch.full(({rows},), {x})\n"
            f"    expect(torch.allclose(x * 2, x + x{extra}), {msg})\n"
        )
    if kind == "assert":
        values = [rng.randint(-50, 50) for _ in range(rng.randint(2, 5))]
        total = sum(values) + (0 if passes else rng.randint(1, 9))
        return (
            f"    values = {values!r}\n"
            f"    assert sum(values) == {total}, {en!r}\n"
        )
    # kind == "fail": a failure raised outright, through the teaching helper
    return (
        f"    from dojo.testing import fail\n"
        f"    steps = [{seed % 97}, {seed % 89}]\n"
        f"    if steps:\n"
        f"        fail({msg})\n"
    )


def make(test_file: Path, kata: str, rng: random.Random, count: int = 4,
         steps: list[str] | None = None) -> list[Canary]:
    """`count` canaries (at least one that must pass and one that must fail) for a test module."""
    real = real_test_names(test_file)
    words = sorted({w for n in real for w in n.split("_")[1:] if w and not w.isdigit()})
    words = words + [w for w in GENERIC if w not in words] if len(words) < 12 else words
    taken = set(real)
    outcomes = [True, False] + [rng.random() < 0.5 for _ in range(max(0, count - 2))]
    rng.shuffle(outcomes)
    canaries = []
    for passes in outcomes:
        name = _name(rng, words, taken)
        deco = ""
        if steps:
            deco = f"@__import__('pytest').mark.step({rng.choice(steps)!r})\n"
        source = f"\n\n{deco}def {name}(kata):\n{_body(rng, kata, passes)}"
        canaries.append(Canary(name, "passed" if passes else "failing", source))
    return canaries


def append_to(test_source: str, canaries: list[Canary]) -> str:
    return test_source.rstrip("\n") + "\n" + "".join(c.source for c in canaries)
