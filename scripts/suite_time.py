"""How long the maintainers' suite takes, as a multiple of `import torch, torchvision` measured in
the same run (the aims: the quick run within 8 times the import, the whole suite within 32).

    python scripts/suite_time.py            # the quick run, then the whole suite
    python scripts/suite_time.py --quick    # the quick run only

The import is timed five times in fresh interpreters before the runs and five times after; the
ratio uses the median of all ten, so that a machine that gets busier or quieter meanwhile shows
in the spread it prints. A measurement, not a test: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {  # -rfE: a failure or an error is named in the summary, so that it can be shown here
    "quick": ["--target", "solutions", "-q", "-rfE", "-m", "not slow and not gpu"],
    "whole": ["--target", "solutions", "-q", "-rfE"],
}


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - start, done


def imports(n: int = 5) -> list[float]:
    return [timed([sys.executable, "-c", "import torch, torchvision"])[0] for _ in range(n)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick run only")
    args = parser.parse_args()
    before = imports()
    results = {}
    for name in ("quick",) if args.quick else ("quick", "whole"):
        seconds, done = timed([sys.executable, "-m", "pytest", *RUNS[name]])
        lines = done.stdout.strip().splitlines() or ["(no output)"]
        results[name] = {"seconds": round(seconds, 1), "exit": done.returncode,
                         "summary": lines[-1],
                         "failed": [ln for ln in lines if ln.startswith(("FAILED ", "ERROR "))]}
    after = imports()
    median = statistics.median(before + after)
    print(f"import torch, torchvision: median {median:.2f} s "
          f"(before {min(before):.2f}-{max(before):.2f} s, after {min(after):.2f}-{max(after):.2f} s)")
    for name, r in results.items():
        r["ratio"] = round(r["seconds"] / median, 1)
        print(f"{name:>5}: {r['seconds']:.1f} s = {r['ratio']}x the import   ({r['summary']})")
        for line in r["failed"]:
            print(f"       {line}")
    print(json.dumps({"import_s": round(median, 2), **results}))
    return max(r["exit"] for r in results.values())


if __name__ == "__main__":
    raise SystemExit(main())
