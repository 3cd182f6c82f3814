"""The figures of docs/grading.md, measured rather than written by hand.

    python scripts/grading_figures.py                  # what the figures are now (a table)
    python scripts/grading_figures.py --measure        # grade a synthetic class, record the run
    python scripts/grading_figures.py --write          # put the table into docs/grading.md
    python scripts/grading_figures.py --measure --write --students 6 --jobs 2

Two kinds of figure. Those of the catalog and the code (kata modules, catalog steps, points,
gallery entries, default limits) are computed every time. Those of a grading run (wall time,
calibration, CPU per job, flags) come from `--measure`: it builds a class with
scripts/make_class.py, times `dojo grade` over it and records the run, dated, with the machine
and its load, in docs/grading-figures.json. The table in docs/grading.md sits between two
markers; tests/maintainers/test_grading_figures.py checks that it is exactly what this script
writes, and that the recorded run graded the catalog as it is (a new kata: measure again).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dojo import gallery  # noqa: E402
from dojo.catalog import load  # noqa: E402

DOC = ROOT / "docs" / "grading.md"
RECORD = ROOT / "docs" / "grading-figures.json"
BEGIN = "<!-- figures: written by scripts/grading_figures.py; do not edit by hand -->"
END = "<!-- end of the figures -->"


# --- what the catalog and the code say ------------------------------------------------------


def catalog_figures() -> dict:
    from dojo.grade.sandbox import Limits

    catalog = load()
    entries = gallery.entries(ROOT)
    return {
        "modules": len(catalog.modules()),
        "steps": len(catalog.steps),
        "points": sum(s.points for s in catalog.steps),
        "gallery": len(entries),
        "gallery_cpu": sum(1 for e in entries if "gpu" not in e.marks),
        "limits": Limits().as_dict(),
    }


# --- a measured run -------------------------------------------------------------------------


def _memory_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def measure(students: int, jobs: int, seed: int = 0) -> dict:
    """Grade a synthetic class of `students` with `jobs` jobs in parallel; the run's figures."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_class

    with tempfile.TemporaryDirectory(prefix="dojo-figures-") as tmp:
        cls = make_class.build(Path(tmp) / "class", students, seed)
        out = Path(tmp) / "out"
        loads: list[float] = []
        done = threading.Event()

        def sample():
            while not done.wait(5.0):
                loads.append(os.getloadavg()[0])

        watcher = threading.Thread(target=sample, daemon=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        watcher.start()
        run = subprocess.run([sys.executable, "-m", "dojo.grade", str(cls), "--out", str(out),
                              "--jobs", str(jobs), "--quiet"], cwd=ROOT,
                             capture_output=True, text=True)
        done.set()
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if run.returncode != 0:
            raise SystemExit(f"dojo grade failed ({run.returncode}):\n{run.stderr[-3000:]}")
        meta = json.loads((out / "grading.json").read_text(encoding="utf-8"))
        cpu: dict[str, list[float]] = {}
        flags = 0
        for folder in meta.get("students", {}).values():
            try:
                graded = json.loads((out / folder / "grade.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            for module, job in (graded.get("modules") or {}).items():
                if isinstance(job, dict) and isinstance(job.get("cpu"), (int, float)):
                    cpu.setdefault(module, []).append(float(job["cpu"]))
                if isinstance(job, dict) and job.get("status") == "flagged":
                    flags += 1
    figures = catalog_figures()
    return {
        "date": _dt.date.today().isoformat(),
        "machine": {"cores": os.cpu_count(), "memory_gb": round(_memory_gb()),
                    "gpu": False},
        "students": students,
        "jobs": jobs,
        "modules": figures["modules"],
        "steps": figures["steps"],
        "graded_jobs": int(meta.get("figures", {}).get("jobs_run") or 0),
        "wall_s": round(wall),
        "user_s": round(after.ru_utime - before.ru_utime),
        "system_s": round(after.ru_stime - before.ru_stime),
        "calibration_s": round(float(meta.get("figures", {}).get("calibration_s") or 0)),
        "mean_load": round(statistics.mean(loads), 1) if loads else None,
        "cpu_per_job_s": {m: round(statistics.mean(v), 2) for m, v in sorted(cpu.items())},
        "flags": flags,
    }


def recorded() -> dict | None:
    try:
        return json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --- the table ------------------------------------------------------------------------------


def _minutes(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s} s" if m else f"{s} s"


def render(now: dict, run: dict | None) -> str:
    """The figures block of docs/grading.md (markers included)."""
    m, steps, points = now["modules"], now["steps"], now["points"]
    lim = now["limits"]
    rows = [
        ("kata modules, catalog steps", f"{m} modules (a job each per submission), {steps} "
         f"steps, {points:g} points in all"),
        ("the pitfall gallery", f"{now['gallery']} wrong answers ({now['gallery_cpu']} without "
         f"a GPU), each a job when graded as a class"),
        ("limits in force by default", f"timeout {lim['timeout']:g} s, memory {lim['memory_mb']} MB "
         f"(the job's memory group), address space +{lim['address_space_mb']} MB, CPU timeout + "
         f"10 s, files {lim['file_mb']} MB, scratch {lim['disk_mb']} MB, {lim['nproc']} "
         f"processes, {lim['nofile']} open files, {lim['output_kb']} KiB of output kept"),
    ]
    if run is not None:
        cpu = run.get("cpu_per_job_s") or {}
        heavy = sorted(cpu.items(), key=lambda kv: -kv[1])
        top = ", ".join(f"`{k}` {v:g} s" for k, v in heavy[:3])
        rest = max((v for _, v in heavy[3:]), default=0)
        machine = run["machine"]
        load = (f", mean load {run['mean_load']:g}" if run.get("mean_load") is not None else "")
        rows += [
            (f"measured class ({run['date']})", f"{run['students']} students × {run['modules']} "
             f"modules = {run['students'] * run['modules']} jobs ({run['graded_jobs']} run), "
             f"`--jobs {run['jobs']}`, on {machine['cores']} cores and {machine['memory_gb']} GB, "
             f"no GPU"),
            ("wall time for that class", f"**{run['wall_s']} s** ({_minutes(run['wall_s'])}"
             f"{load}; {run['user_s']} s user, {run['system_s']} s system), calibration "
             f"included: {run['calibration_s']} s for the server's start and {run['modules']} "
             f"modules against the reference"),
            ("CPU per job (mean)", f"{top}; every other module {rest:g} s or less"),
            ("flags in that class (references, stubs, gallery answers)", str(run["flags"])),
        ]
    lines = [BEGIN, "", "| figure | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in rows]
    if run is None:
        lines += ["", "No run has been measured yet: `python scripts/grading_figures.py --measure "
                  "--write`."]
    lines += ["", END]
    return "\n".join(lines)


def block_of(text: str) -> str | None:
    if BEGIN not in text or END not in text:
        return None
    return text[text.index(BEGIN):text.index(END) + len(END)]


def write(table: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    current = block_of(text)
    if current is None:
        raise SystemExit(f"{DOC}: no figures markers ({BEGIN!r} ... {END!r})")
    DOC.write_text(text.replace(current, table), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true",
                        help="grade a synthetic class and record the run")
    parser.add_argument("--write", action="store_true", help="rewrite the table of the doc")
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    if args.measure:
        run = measure(args.students, args.jobs)
        RECORD.write_text(json.dumps(run, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"recorded the run in {RECORD}")
    table = render(catalog_figures(), recorded())
    if args.write:
        write(table)
        print(f"wrote the figures into {DOC}")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
