"""`dojo grade`: a grader an instructor can trust, over a whole class.

    dojo grade SUBMISSIONS --out OUT [--jobs N] [--timeout SECONDS] [--force] [--only NAME]
    dojo grade --gradescope-bundle FILE.zip
    dojo export-student DIR

`register(subparsers)` adds `grade` and `export-student` to the `dojo` command line;
`main(argv)` runs them on their own (`python -m dojo.grade ...`). See docs/grading.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dojo import i18n


def _default_project() -> Path | None:
    """The project whose tests/ are the pristine tests: the checkout this package runs from,
    else the installed package's own copy of them (dojo/data/tests/ of the wheel)."""
    from dojo import paths

    checkout = paths.checkout()
    if checkout is not None:
        return checkout
    return paths.DATA if (paths.DATA / "tests").is_dir() else None


NO_PROJECT = ("{prog}: no kata tests here (this package runs from no checkout and carries "
              "none): give --project DIR, a folder whose tests/ holds the kata tests (a clone "
              "of the project).")


def add_grade_arguments(parser: argparse.ArgumentParser) -> None:
    from dojo.grade.sandbox import Limits

    d = Limits()
    parser.add_argument("submissions", nargs="?", metavar="SUBMISSIONS",
                        help="folder in which every subfolder or .zip is one student's submission")
    parser.add_argument("--out", metavar="OUT", help="where grades.csv, report.html and one "
                        "folder per student go")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="jobs in parallel (default: the number of CPU cores)")
    parser.add_argument("--timeout", type=float, default=d.timeout, metavar="SECONDS",
                        help=f"wall-clock limit per submission and kata (default {d.timeout:g})")
    parser.add_argument("--force", action="store_true",
                        help="grade again what is already graded")
    parser.add_argument("--only", metavar="NAME", help="(re)grade this one student")
    parser.add_argument("--memory-mb", type=int, default=d.memory_mb,
                        help=f"memory per job, MB (default {d.memory_mb})")
    parser.add_argument("--katas", action="append", default=None, metavar="NAME",
                        help="grade only these katas (a step or module; repeatable)")
    parser.add_argument("--lang", choices=i18n.LANGS, default="en",
                        help="language of the feedback (default en)")
    parser.add_argument("--project", metavar="DIR",
                        help="the folder whose tests/ are the pristine tests (default: the "
                        "checkout this package runs from, else the tests the installed package "
                        "carries)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the cases the observers run on (default: a new one each run; the same seed gives the same scores)")
    parser.add_argument("--one", action="store_true",
                        help="SUBMISSIONS is one student's submission (Gradescope, Classroom)")
    parser.add_argument("--results-json", metavar="FILE",
                        help="with --one: also write the Gradescope results.json here")
    parser.add_argument("--gradescope-bundle", metavar="FILE.zip",
                        help="write a Gradescope autograder bundle and exit")
    parser.add_argument("--quiet", "-q", action="store_true")


def run_grade(args: argparse.Namespace) -> int:
    from dojo.grade.core import GradingError, Settings
    from dojo.grade.sandbox import Limits

    project = Path(args.project).resolve() if args.project else _default_project()
    if args.gradescope_bundle:
        from dojo.grade.bundle import write_gradescope_bundle

        if project is None or not (project / "pyproject.toml").is_file():
            print("dojo grade: the Gradescope bundle is made from a clone of the project (it "
                  "installs the project from it): run it from one, or give --project DIR.",
                  file=sys.stderr)
            return 2
        path = write_gradescope_bundle(Path(args.gradescope_bundle), project,
                                       timeout=args.timeout, memory_mb=args.memory_mb)
        print(f"wrote {path}")
        return 0
    if not args.submissions or not args.out:
        print("usage: dojo grade SUBMISSIONS --out OUT [--jobs N] [--timeout SECONDS] [--force]",
              file=sys.stderr)
        return 2
    if project is None or not (project / "tests").is_dir():
        print(NO_PROJECT.format(prog="dojo grade") if project is None else
              f"dojo grade: {project} has no tests/ folder: give --project DIR, a folder whose "
              f"tests/ holds the kata tests (a clone of the project).", file=sys.stderr)
        return 2
    limits = Limits(timeout=args.timeout, memory_mb=args.memory_mb)
    settings = Settings(
        submissions=Path(args.submissions),
        out=Path(args.out),
        project=project,
        jobs=min(max(1, args.jobs or os.cpu_count() or 1), 60),
        limits=limits,
        force=args.force,
        only=args.only,
        lang=args.lang,
        katas=args.katas,
        seed=args.seed,
        single=args.one,
        quiet=args.quiet,
    )
    from dojo.grade.run import grade

    try:
        meta = grade(settings)
    except GradingError as err:
        print(f"dojo grade: {err}", file=sys.stderr)
        return 2
    if args.results_json:
        import shutil

        students = meta.get("students", {})
        if len(students) == 1:
            folder = next(iter(students.values()))
            target = Path(args.results_json)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(args.out) / folder / "results.json", target)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from dojo.grade.bundle import export_student

    project = Path(args.project).resolve() if args.project else _default_project()
    if project is None or not (project / "katas").is_dir():
        print("dojo export-student: the student edition is made from a clone of the project "
              "(its katas/, tests/, catalog and pyproject.toml): run it from one, or give "
              "--project DIR.", file=sys.stderr)
        return 2
    try:
        path = export_student(project, Path(args.dir), force=args.force)
    except FileExistsError as err:
        print(f"dojo export-student: {err}", file=sys.stderr)
        return 2
    print(f"wrote the student edition to {path}")
    return 0


def register(subparsers) -> None:
    """Add `grade` and `export-student` to the `dojo` command line."""
    grade = subparsers.add_parser(
        "grade", help="grade a class of submissions (safely: sandboxed, judged outside the student's process)",
        description="Grade every submission (subfolder or .zip) of SUBMISSIONS into OUT: "
        "grades.csv, report.html, OUT/<student>/results.json (Gradescope) and feedback.md.",
    )
    add_grade_arguments(grade)
    grade.set_defaults(func=run_grade)
    export = subparsers.add_parser(
        "export-student", help="write the student edition of the course (no solutions)",
        description="Copy the project without solutions/, gallery/ and the maintainers' "
        "tests, with pristine katas, for students.",
    )
    export.add_argument("dir", metavar="DIR")
    export.add_argument("--project", metavar="DIR")
    export.add_argument("--force", action="store_true", help="write into an existing folder")
    export.set_defaults(func=run_export)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m dojo.grade")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    if not argv or argv[0] not in ("grade", "export-student", "-h", "--help"):
        argv = ["grade", *argv]
    args = parser.parse_args(argv)
    return int(args.func(args))
