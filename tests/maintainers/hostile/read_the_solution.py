"""Looks for the reference solution on the grading machine and uses it. Expect: it is not
there to be found (the grader hides solutions/, the tests and the other submissions); the
kata's file fails to import and scores 0."""

import sys
from pathlib import Path

import dojo

root = Path(dojo.__file__).resolve().parents[1]
source = (root / "solutions" / "inplace_update.py").read_text()
exec(compile(source, "solution", "exec"), globals())
sys.path.insert(0, str(root))
