"""Measure the kata tests against an outside examiner's set (issue 19's method).

An examiner who has read only the contract (the stubs' docstrings, the catalog, KATAS.md) writes,
per kata module, wrong answers aimed at irregular inputs and unusual right ones, each a whole
module `EXAM/<module>/wrong_<name>.py` or `right_<name>.py` whose docstring says

    Kind: wrong
    Mistake: <what is wrong, in a teacher's words>
    Shows on: <the input that exposes it>

This runs the kata's tests (the learner's run: `pytest --target <folder holding that file>`)
against every file and records, per file: rejected or not (a right answer: passed or not), and
the teaching messages of the failures. Whether a message *names* the mistake made is a reader's
judgement; the report puts the examiner's `Mistake:` line beside the first messages for it.

    python scripts/examine.py EXAM [--kata MODULE ...] [--json OUT.json] [--md OUT.md]

Each kata module runs in a process of its own (a hostile or broken answer stays in it).
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fields(path: Path) -> dict[str, str]:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except SyntaxError:
        doc = ""
    found: dict[str, str] = {}
    key = None
    for line in doc.splitlines():
        head, sep, value = line.partition(":")
        if sep and head.strip().lower() in ("kind", "mistake", "shows on", "plausible because"):
            key = head.strip().lower()
            found[key] = value.strip()
        elif key and line.strip():
            found[key] += " " + line.strip()
    return found


def one_module(module: str, files: list[str]) -> list[dict]:
    """In this process: every file of one module against the module's tests."""
    from dojo.runner import run_tests

    out = []
    for name in files:
        path = Path(name)
        with tempfile.TemporaryDirectory(prefix="dojo-exam-") as tmp:
            target = Path(tmp)
            (target / f"{module}.py").write_bytes(path.read_bytes())
            outcome = run_tests(ROOT, target, [module], lang="en",
                                extra=["-m", "not gpu", "-p", "no:randomly", "-x"])
        failed = outcome.failed()
        out.append({
            "file": path.name,
            "kind": "right" if path.name.startswith("right_") else "wrong",
            **{k.replace(" ", "_"): v for k, v in fields(path).items()},
            "rejected": bool(failed),
            "failed": [t.get("nodeid", "").split("::")[-1] for t in failed],
            "states": sorted({t["state"] for t in failed}),
            "messages": [t.get("message") or "" for t in failed][:2],
        })
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exam", type=Path)
    parser.add_argument("--kata", action="append", default=[])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--md", type=Path)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one module, files on stdin
    args = parser.parse_args(argv)
    if args.one:
        files = json.loads(sys.stdin.read())
        print(json.dumps(one_module(args.one, files), ensure_ascii=False))
        return 0
    modules = args.kata or sorted(p.name for p in args.exam.iterdir()
                                  if p.is_dir() and list(p.glob("wrong_*.py")))
    results: dict[str, list[dict]] = {}
    for module in modules:
        files = sorted(str(p) for p in (args.exam / module).glob("*.py")
                       if p.name.startswith(("wrong_", "right_")))
        run = subprocess.run([sys.executable, __file__, str(args.exam), "--one", module],
                             input=json.dumps(files), capture_output=True, text=True, cwd=ROOT)
        try:
            results[module] = json.loads(run.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            results[module] = [{"file": "(the run failed)", "kind": "error",
                                "messages": [run.stderr[-2000:]]}]
        rows = results[module]
        wrong = [r for r in rows if r["kind"] == "wrong"]
        right = [r for r in rows if r["kind"] == "right"]
        print(f"{module}: wrong rejected {sum(r['rejected'] for r in wrong)}/{len(wrong)}, "
              f"right passed {sum(not r['rejected'] for r in right)}/{len(right)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.md:
        lines = []
        for module, rows in results.items():
            lines.append(f"## {module}\n")
            for r in rows:
                verdict = ("REJECTED" if r.get("rejected") else "passed")
                lines.append(f"- **{r['file']}** ({r['kind']}): {verdict}")
                if r.get("mistake"):
                    lines.append(f"  - mistake: {r['mistake']}")
                if r.get("shows_on"):
                    lines.append(f"  - shows on: {r['shows_on']}")
                for m in r.get("messages", [])[:1]:
                    lines.append("  - message: " + " / ".join(m.splitlines()[:4]))
            lines.append("")
        args.md.write_text("\n".join(lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
