"""One `dojo grade` run, end to end: submissions in, OUT written."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import dojo
from dojo import i18n
from dojo.grade import outputs, similarity
from dojo.grade.core import STATE_FILE, GradingError, Grader, Settings, remove_tree, sweep
from dojo.grade.submissions import Submission, assign_dirs, discover, load as load_files
from dojo.grade.submissions import safe_text, text_name


def stubs_of(modules: list[str]) -> dict[str, str]:
    from dojo import stubs

    try:
        pristine = stubs.pristine()
    except (OSError, ValueError):
        return {}
    return {m: pristine[m] for m in modules if m in pristine}


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _commit(project: Path) -> str | None:
    if not (project / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(project), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def find_submissions(settings: Settings) -> list[Submission]:
    root = Path(settings.submissions)
    if not root.is_dir() and not (settings.single and root.suffix == ".zip"):
        raise GradingError(f"{root}: no such folder")
    if settings.single:
        raw = os.fsencode(root.stem if root.suffix == ".zip" else root.resolve().name)
        name, raw_name = text_name(raw)
        sub = Submission(name, root, raw_name=raw_name)
        assign_dirs([sub])
        return [sub]
    return discover(root)


def _log(settings: Settings, text: str) -> None:
    if not settings.quiet:
        print(text, file=sys.stderr, flush=True)


def grade(settings: Settings) -> dict:
    """Grade the class; returns the run's summary (what grading.json holds)."""
    i18n.set_lang(settings.lang)
    started = time.monotonic()
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    grader = Grader(settings)
    subs = find_submissions(settings)
    for sub in subs:
        load_files(sub, grader.modules)
    selected = subs
    if settings.only:
        only = settings.only
        selected = [s for s in subs if only in (s.name, s.dir_name)
                    or _key(only) == _key(s.name) or os.fsencode(only) == s.raw_name]
        if not selected:
            raise GradingError(f"--only {safe_text(only)}: no such student in "
                               f"{safe_text(str(settings.submissions))}")
    modules_key = ",".join(f"{s.id}:{s.points}" for s in grader.steps)

    def fingerprint(sub: Submission) -> str:
        raw = f"{sub.fingerprint()}|{grader.tests_hash}|{modules_key}|{settings.lang}"
        return hashlib.sha256(raw.encode()).hexdigest()

    todo, skipped = [], []
    for sub in selected:
        state = out / sub.dir_name / STATE_FILE
        force = settings.force or bool(settings.only)
        if not force and state.is_file():
            try:
                old = json.loads(state.read_text(encoding="utf-8"))
            except ValueError:
                old = {}
            if old.get("fingerprint") == fingerprint(sub):
                skipped.append(sub)
                continue
        todo.append(sub)
    _log(settings, f"dojo grade: {len(subs)} submissions, {len(todo)} to grade, "
                   f"{len(skipped)} already graded; katas: {', '.join(grader.modules)}")

    tmp = Path(tempfile.mkdtemp(prefix="dojo-grade-"))
    os.chmod(tmp, 0o711)
    grader.tmp = tmp
    (tmp / "jobs").mkdir()
    os.chmod(tmp / "jobs", 0o711)
    versions: dict = {}
    calibration_s = 0.0

    def handed_in(sub: Submission) -> list[str]:
        """The kata modules that get a job: a kata not handed in scores 0 without one."""
        return [] if sub.refused else [m for m in grader.modules if m in sub.files]

    try:
        need_jobs = [s for s in todo if handed_in(s)]
        if need_jobs:
            t0 = time.monotonic()
            grader.start_server()
            versions = dict(grader.server.info)
            grader.calibrate()
            calibration_s = time.monotonic() - t0
            _log(settings, f"  calibrated {len(grader.modules)} kata modules in {calibration_s:.1f} s")
        else:
            grader.expected = {}
        results: dict[str, dict[str, dict]] = {s.dir_name: {} for s in todo}
        logs: dict[str, dict[str, str]] = {s.dir_name: {} for s in todo}
        walls: dict[str, float] = {s.dir_name: 0.0 for s in todo}
        by_dir = {s.dir_name: s for s in todo}
        done_count = [0]

        def finalize(sub: Submission) -> None:
            rec = grader.score(sub, results[sub.dir_name])
            rec["fingerprint"] = fingerprint(sub)
            rec["graded_at"] = _now()
            rec["seed"] = grader.seed
            outputs.write_student(out / sub.dir_name, rec, grader.steps, walls[sub.dir_name],
                                  logs[sub.dir_name])
            done_count[0] += 1
            _log(settings, f"  [{done_count[0]}/{len(todo)}] {sub.name}: "
                           f"{rec['total']:g}/{rec['max_total']:g} ({rec['status']})")

        def on_done(job) -> None:
            res = grader.judge(job)  # an error in judging costs this job only
            key = job.student.dir_name
            results[key][job.module] = res
            walls[key] += res.get("wall") or 0
            if res["log"]:
                logs[key][job.module] = res["log"]
            remove_tree(job.dir)
            if len(results[key]) == len(handed_in(by_dir[key])):
                try:
                    finalize(by_dir[key])
                except Exception as err:  # noqa: BLE001 - one submission, never the run
                    _log(settings, f"  {by_dir[key].name}: could not be written: {err}")

        for sub in todo:
            if not handed_in(sub):
                finalize(sub)
        queue = [(m, s) for s in todo for m in handed_in(s)]
        if queue:
            grader.run_jobs(queue, on_done)
    finally:
        if grader.server is not None:
            grader.server.close()
        sweep(grader.run_token, settings.jobs)
        if os.environ.get("DOJO_GRADE_KEEP"):
            _log(settings, f"  (kept {tmp})")
        else:
            remove_tree(tmp)

    # the class: every current submission's record (graded now or before)
    records = []
    for sub in subs:
        state = out / sub.dir_name / STATE_FILE
        if state.is_file():
            try:
                records.append(json.loads(state.read_text(encoding="utf-8")))
            except ValueError:
                pass
    records.sort(key=lambda r: (_key(r["student"]), r["student"]))
    duration = round(time.monotonic() - started, 1)
    meta_path = out / "grading.json"
    previous = {}
    if meta_path.is_file():
        try:
            previous = json.loads(meta_path.read_text(encoding="utf-8"))
        except ValueError:
            previous = {}
    if not versions:
        versions = previous.get("versions", {})
    sandbox_used = grader.calibration.get("_sandbox") or previous.get("sandbox", {})
    if grader.server is not None and not sandbox_used:
        sandbox_used = dict(grader.server.info.get("sandbox") or {})
    meta = {
        "grader": "dojo grade",
        "versions": {
            "dojo": getattr(dojo, "__version__", "?"),
            "project_commit": _commit(grader.project),
            "tests_hash": grader.tests_hash,
            "python": versions.get("python", platform.python_version()),
            "torch": versions.get("torch"),
            "torchvision": versions.get("torchvision"),
            "pytest": versions.get("pytest"),
            "hypothesis": versions.get("hypothesis"),
            "grading_python": platform.python_version(),
            "platform": platform.platform(),
        },
        "seed": grader.seed,
        "seeds": "every observer's cases are drawn from `seed` (its examples as written, each "
                 "example again with a seed of the run's own, and cases from its strategy); "
                 "random, numpy and torch are seeded from each case before it runs; "
                 "PYTHONHASHSEED=0; one torch thread per job; the same seed gives the same "
                 "cases and the same scores",
        "limits": settings.limits.as_dict(),
        "jobs": settings.jobs,
        "lang": settings.lang,
        "sandbox": sandbox_used,
        "cases": {m: sum(len(e["cases"]) for e in grader.plans.get(m, []))
                  for m in grader.modules},
        "guards": {m: sorted(n.split("::", 1)[-1] for n in names)
                   for m, names in grader.guards.items()},
        "steps": [{"id": s.id, "module": s.module, "points": s.points,
                   "tests": sum(1 for v in grader.expected.get(s.module, {}).values() if v == s.id)}
                  for s in grader.steps],
        "started": previous.get("started") if settings.only else None,
        "finished": _now(),
        "figures": {
            "duration_s": duration,
            "calibration_s": round(calibration_s, 1),
            "submissions": len(subs),
            "graded": len(todo),
            "skipped_already_graded": len(skipped),
            "jobs_run": sum(len(s_results) for s_results in results.values()),
        },
        "students": {r["student"]: r["dir"] for r in records},
    }
    runs = previous.get("runs", []) if isinstance(previous.get("runs"), list) else []
    runs.append({"finished": meta["finished"], "force": settings.force,
                 "only": safe_text(settings.only) if settings.only else None,
                 "run": grader.run_token,  # names its cgroups (dojo-grade-<run>) and user ids
                 **meta["figures"]})
    meta["runs"] = runs[-20:]
    meta["started"] = meta["started"] or _dt.datetime.fromtimestamp(
        time.time() - duration, _dt.timezone.utc).isoformat(timespec="seconds")
    outputs.write_csv(out / "grades.csv", records, grader.steps)
    try:
        copies = similarity.find(subs, grader.modules, grader.refs, stubs_of(grader.modules))
    except Exception as err:  # noqa: BLE001 - a section of the report, never the run
        copies = {"error": f"{type(err).__name__}: {err}", "pairs": []}
    meta["figures"]["copies_listed"] = len(copies.get("pairs", []))
    outputs.atomic_write(out / "report.html",
                         outputs.report_html(records, grader.steps, meta, copies))
    outputs.atomic_write(meta_path, json.dumps(meta, ensure_ascii=False, indent=1))
    _log(settings, f"dojo grade: done in {duration:g} s → {out / 'grades.csv'}, "
                   f"{out / 'report.html'}")
    return meta
