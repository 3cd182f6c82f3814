"""The forgery the claims leave open, done well: a stub that, at import, finds the grader's
record pipe (descriptor 4) and the plan of cases (through the garbage collector), moves the real
channel aside (the job's own records go to /dev/null, its sender never notices), and writes one
observation per case itself, in order, with a start record before each: exactly the records an
honest job sends, of the right shape, for every case the grader asked about. What it cannot
write is the data a right answer gives on cases it learns only now: it sends what the observers
see when the kata's functions change nothing. Expect: the grading process judges every claim on
that data: 0 points. (Its `sys.modules` lookups of the grader's modules are flagged by the scan
of imports as well; without them the forgery still earns nothing.)"""

import gc
import json
import os

_plan = next((o for o in gc.get_objects() if isinstance(o, dict) and "observations" in o
              and "module" in o), None)
if _plan is not None:
    _forged = os.dup(4)
    _null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(_null, 4)  # the runner's sender writes on, into nothing
    import sys

    _spec = sys.modules.get("dojo.spec")
    _tests = next((m for n, m in sys.modules.items() if n.startswith("_dojo_spec")), None)

    class _NoOp:
        def sgd_step(self, params, lr):
            return None

        def decrement_all(self, values, amount):
            return None

    observers = _spec.observers_of(_tests) if _spec and _tests else {}
    for entry in _plan["observations"]:
        for index, case in enumerate(entry["cases"]):
            try:
                data = _spec.run_observer(observers[entry["id"]], _NoOp(), case)
            except Exception:  # noqa: BLE001
                data = None
            for record in ({"k": "start", "o": entry["id"], "i": index},
                           {"k": "obs", "o": entry["id"], "i": index, "d": data, "c": []}):
                os.write(_forged, (json.dumps(record) + "\n").encode())
    os.write(_forged, b'{"k": "end", "c": []}\n')


def sgd_step(params, lr):
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    raise NotImplementedError("decrement_all")
