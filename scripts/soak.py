"""Soak the kata claims on many grader-drawn cases: the reference (and every right answer of the
gallery) must pass every claim on every case the grader could draw, not only on the cases a
learner's pytest run happens to meet. A judge that fails a right answer on one seed in a
thousand would fail an honest student's calibration or marks one run in a thousand.

    python scripts/soak.py [--kata KATA ...] [--runs 50] [--right]

For each kata module and run seed it draws the grader's cases (`dojo.grade.core.draw_cases`:
the examples, re-seeded examples, strategy draws), observes the reference in this process
through the learner's path (`dojo.spec.observed`) and judges. Prints every failing case.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load(path: Path, name: str):
    spec_ = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec_)
    sys.modules[name] = module
    spec_.loader.exec_module(module)
    return module


class Kata:
    def __init__(self, module):
        self.module = module

    def __getattr__(self, name):
        return getattr(self.module, name)


def soak(kata: str, runs: int, answers: list[Path]) -> list[str]:
    import pytest
    import torch._dynamo  # noqa: F401 - as the grader's server

    from dojo import spec
    from dojo.grade.core import draw_cases

    tests = load(ROOT / "tests" / f"test_{kata}.py", f"_soak_tests_{kata}")
    claims = [c for c in spec.claims_of(tests)
              if not any(m in ("gpu", "slow") for m in c.marks)]
    problems = []
    for path in answers:
        module = load(path, f"_soak_answer_{kata}_{path.stem}")
        for run in range(runs):
            rng = random.Random(f"{run}:{kata}")
            plans = {}
            for c in claims:
                if c.observer.id not in plans:
                    plans[c.observer.id] = draw_cases(c.observer, rng)
            for c in claims:
                for case in plans[c.observer.id]:
                    try:
                        seen = spec.observed(c.observer, Kata(module), case)
                        c.judge(spec.Case(case), seen)
                    except pytest.fail.Exception as err:
                        problems.append(f"{kata} {path.name} {c.name} run {run}: {case}\n"
                                        f"    {str(err.msg).splitlines()[1:3]}")
                        break
                    except Exception as err:  # noqa: BLE001
                        problems.append(f"{kata} {path.name} {c.name} run {run}: {case}\n"
                                        f"    raised {type(err).__name__}: {err}")
                        break
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kata", action="append", default=[])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--right", action="store_true",
                        help="the gallery's right answers too, not only the reference")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    from dojo import i18n
    from dojo.catalog import load as catalog

    i18n.set_lang("en")
    katas = args.kata or catalog().modules()
    failed = 0
    for kata in katas:
        answers = [ROOT / "solutions" / f"{kata}.py"]
        if args.right:
            answers += sorted((ROOT / "gallery" / kata / "right").glob("*.py"))
        started = time.monotonic()
        problems = soak(kata, args.runs, answers)
        failed += len(problems)
        print(f"{kata}: {len(answers)} answers x {args.runs} runs, {len(problems)} failing "
              f"({time.monotonic() - started:.0f} s)", flush=True)
        for p in problems[:10]:
            print("  " + p, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
