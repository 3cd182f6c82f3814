"""Build a synthetic class for `dojo grade`: N students, each kata of the catalog handed in as
the reference answer, the stub, or one of the gallery's wrong answers (inlined: a gallery entry
imports the reference, which a real submission cannot), some as folders, some as zips, some
with their files in katas/, names in several scripts.

    python scripts/make_class.py CLASS_DIR [--students 30] [--seed 0]
    time dojo grade CLASS_DIR --out OUT --jobs 2
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dojo import gallery, stubs  # noqa: E402
from dojo.catalog import load  # noqa: E402

NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "张伟", "王芳", "李 娜", "刘洋",
         "Zoë Keating", "José Martí", "Søren Kierkegaard", "Nguyễn Văn An", "Ólafur Arnalds",
         "Amélie Poulain", "Łukasz Nowak", "Μαρία Κάλλας", "Иван Петров", "محمد علي",
         "Yuki Tanaka", "김민준", "Priya Sharma"]


def build(dest: Path, students: int, seed: int) -> Path:
    rng = random.Random(seed)
    catalog = load()
    pristine = stubs.pristine()
    entries: dict[str, list] = {}
    for entry in gallery.entries(ROOT):
        if "gpu" not in entry.marks:
            entries.setdefault(entry.kata, []).append(entry)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for i in range(students):
        name = NAMES[i % len(NAMES)] + (f" {i // len(NAMES) + 1}" if i >= len(NAMES) else "")
        files = {}
        for module in catalog.modules():
            solution_path = ROOT / "solutions" / f"{module}.py"
            solution = solution_path.read_text(encoding="utf-8") if solution_path.is_file() else None
            roll = rng.random()
            if solution is not None and roll < 0.5:
                files[module] = solution
            elif solution is not None and roll < 0.85 and entries.get(module):
                files[module] = rng.choice(entries[module]).standalone(solution)
            elif module in pristine:
                files[module] = pristine[module]
        prefix = "katas/" if i % 3 else ""
        if i % 4 == 3:
            with zipfile.ZipFile(dest / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                for module, text in files.items():
                    zf.writestr(f"{prefix}{module}.py", text)
        else:
            for module, text in files.items():
                path = dest / name / prefix / f"{module}.py"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    build(args.dest, args.students, args.seed)
    print(f"wrote {args.students} submissions to {args.dest}")


if __name__ == "__main__":
    main()
