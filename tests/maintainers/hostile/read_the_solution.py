"""Looks for an answer anywhere on the grading machine: the project's solutions/, another
clone, the package's data (dojo/data, its reference-answers/ included), /root, /home, /work,
every file named like the kata.
It prints what it could see (a line DOJO-HOSTILE-SAW {...} in its log, which the test reads)
and uses the first answer it finds. Expect: nothing of anyone else is there to be found; the
kata's functions stay stubs: 0 points."""

import json
import os
import sys
from pathlib import Path

# the package is already there in the job; reached without naming it in an import or in
# sys.modules[...] (either is flagged: this file tests reading, not importing)
dojo = next(module for name, module in sys.modules.items() if name == "dojo")

seen = {"found": [], "listable": {}, "dojo_data": None, "reference_answers": None, "walked": 0}
me = os.path.realpath(__file__)
for where in ("/", "/root", "/home", "/work", "/tmp", "/etc"):
    try:
        seen["listable"][where] = sorted(os.listdir(where))[:40]
    except OSError as err:
        seen["listable"][where] = f"refused: {type(err).__name__}"
data = Path(dojo.__file__).resolve().parent / "data"
seen["package"] = str(data.parent)
try:
    seen["dojo_data"] = {p.name: len(p.read_bytes()) if p.is_file() else "folder"
                         for p in data.iterdir()}
except OSError as err:
    seen["dojo_data"] = f"refused: {type(err).__name__}"
try:  # where an installed package carries the reference answers
    seen["reference_answers"] = sorted(os.listdir(data / "reference-answers"))
except OSError as err:
    seen["reference_answers"] = f"refused: {type(err).__name__}"
answer = None
for top, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if not (top == "/" and d in ("proc", "sys", "dev"))]
    seen["walked"] += len(files)
    if seen["walked"] > 200000:
        break
    for name in files:
        path = os.path.join(top, name)
        if name.lower().startswith("solutions") or name == "inplace_update.py":
            if os.path.realpath(path) == me:
                continue
            try:
                text = Path(path).read_text(errors="replace")
            except OSError:
                continue
            if "def sgd_step" in text or "sgd_step" in text:
                seen["found"].append(path)
                answer = answer or text
print("DOJO-HOSTILE-SAW " + json.dumps(seen), flush=True)
if answer is not None:
    try:
        exec(compile(answer, "found", "exec"), globals())
    except Exception:  # noqa: BLE001
        pass
else:

    def sgd_step(params, lr):
        raise NotImplementedError("sgd_step")

    def decrement_all(values, amount):
        raise NotImplementedError("decrement_all")
