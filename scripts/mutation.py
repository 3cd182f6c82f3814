"""Mutation testing of the kata tests: every mutant of a reference answer must fail its tests.

cosmic-ray (a maintained mutation-testing tool) enumerates and applies the mutations of
`solutions/<kata>.py` (its operators: numbers, comparisons, binary and unary operators,
booleans, `break`/`continue`, exceptions, decorators, loops ...). Each mutant is run against
the kata's tests in this process, the way the gallery proof runs a wrong answer (a new
interpreter per mutant would pay torch's import hundreds of times): a mutant whose every test
passes *survived*. A survivor is either a gap in the tests (write the test that kills it) or
equivalent to the reference (no input tells them apart): list it in
`scripts/mutation_equivalents.toml` with why, and the report marks it explained.

    python scripts/mutation.py [--kata KATA ...] [--md OUT.md] [--json OUT.json] [--jobs 2]

Not part of the default suite (minutes per kata). The table in docs/CONTRIBUTING.md comes from
its last run.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "scripts" / "mutation_equivalents.toml"
RUN = ["--disable-plugin-autoload", "-p", "_hypothesis_pytestplugin", "-o", "addopts=",
       "--hypothesis-profile=dojo-gallery", "-m", "not gpu", "-x", "-p", "no:cacheprovider",
       "-p", "no:unraisableexception"]


def mutants(path: Path):
    """(operator name, occurrence, line, mutated source) of every mutation cosmic-ray makes."""
    from cosmic_ray.commands.init import _all_work_items
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    source = path.read_text(encoding="utf-8")
    for item in _all_work_items([path], {}):
        for m in item.mutations:
            operator = get_operator(m.operator_name)(**m.operator_args)
            mutated = mutate_code(source, operator, m.occurrence)
            if mutated is None or mutated == source:
                continue
            yield m.operator_name, m.occurrence, m.start_pos[0], mutated


def changed_lines(before: str, after: str) -> list[str]:
    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                              lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def load_equivalents() -> list[dict]:
    if not EQUIVALENTS.is_file():
        return []
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8")).get("equivalent", [])


def explained(kata: str, diff: list[str], equivalents: list[dict]) -> str | None:
    """The reason a survivor is equivalent, when listed: same kata, and its mutated line (the
    `+` line, stripped) equal to the listed one."""
    added = [ln[1:].strip() for ln in diff if ln.startswith("+")]
    removed = [ln[1:].strip() for ln in diff if ln.startswith("-")]
    for entry in equivalents:
        if entry.get("kata") != kata:
            continue
        if entry.get("mutant", "").strip() in added and (
                not entry.get("original") or entry["original"].strip() in removed):
            return entry.get("why", "")
    return None


def run_kata(kata: str) -> dict:
    """In this process: every mutant of solutions/<kata>.py against tests/test_<kata>.py."""
    from dojo.runner import run_tests

    path = ROOT / "solutions" / f"{kata}.py"
    source = path.read_text(encoding="utf-8")
    equivalents = load_equivalents()
    rows, started = [], time.monotonic()
    for operator, occurrence, line, mutated in mutants(path):
        with tempfile.TemporaryDirectory(prefix="dojo-mutant-") as tmp:
            (Path(tmp) / f"{kata}.py").write_text(mutated, encoding="utf-8")
            outcome = run_tests(ROOT, Path(tmp), [kata], lang="en", extra=RUN)
        failed = outcome.failed()
        diff = changed_lines(source, mutated)
        row = {"operator": operator, "occurrence": occurrence, "line": line,
               "killed": bool(failed), "diff": diff[:6]}
        if failed:
            row["by"] = (failed[0].get("nodeid") or "").split("::")[-1]
        else:
            row["equivalent"] = explained(kata, diff, equivalents)
        rows.append(row)
    survived = [r for r in rows if not r["killed"]]
    return {
        "kata": kata,
        "mutants": len(rows),
        "killed": len(rows) - len(survived),
        "equivalent": sum(1 for r in survived if r.get("equivalent") is not None),
        "unexplained": sum(1 for r in survived if r.get("equivalent") is None),
        "seconds": round(time.monotonic() - started, 1),
        "survivors": survived,
    }


def table(results: list[dict]) -> str:
    lines = ["| kata | mutants | killed | equivalent (listed) | unexplained | score |",
             "|---|---|---|---|---|---|"]
    for r in results:
        score = (r["killed"] + r["equivalent"]) / r["mutants"] if r["mutants"] else 1.0
        lines.append(f"| {r['kata']} | {r['mutants']} | {r['killed']} | {r['equivalent']} | "
                     f"{r['unexplained']} | {score:.1%} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kata", action="append", default=[])
    parser.add_argument("--md", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--jobs", type=int, default=1, help="katas run side by side")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_kata(args.one), ensure_ascii=False))
        return 0
    sys.path.insert(0, str(ROOT))
    from dojo.catalog import load

    katas = args.kata or load().modules()
    results: dict[str, dict] = {}
    pending = list(katas)
    running: dict[str, subprocess.Popen] = {}
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    while pending or running:
        while pending and len(running) < max(1, args.jobs):
            kata = pending.pop(0)
            running[kata] = subprocess.Popen([sys.executable, __file__, "--one", kata],
                                             stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                             env=env)
        for kata, proc in list(running.items()):
            if proc.poll() is None:
                continue
            out = proc.stdout.read().strip().splitlines()
            try:
                results[kata] = json.loads(out[-1])
            except (ValueError, IndexError):
                results[kata] = {"kata": kata, "mutants": 0, "killed": 0, "equivalent": 0,
                                 "unexplained": -1, "survivors": [], "error": "run failed"}
            r = results[kata]
            print(f"{kata}: {r['mutants']} mutants, {r['killed']} killed, {r['equivalent']} "
                  f"equivalent, {r['unexplained']} unexplained ({r.get('seconds', '?')} s)",
                  flush=True)
            del running[kata]
        time.sleep(0.2)
    ordered = [results[k] for k in katas]
    if args.json:
        args.json.write_text(json.dumps(ordered, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.md:
        parts = [table(ordered), ""]
        for r in ordered:
            for s in r["survivors"]:
                if s.get("equivalent") is None:
                    parts.append(f"- {r['kata']} line {s['line']} ({s['operator']}): "
                                 + " / ".join(s["diff"]))
        args.md.write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(table(ordered))
    return 0 if all(r["unexplained"] == 0 for r in ordered) else 1


if __name__ == "__main__":
    sys.exit(main())
