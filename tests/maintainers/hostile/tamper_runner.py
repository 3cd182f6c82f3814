"""A stub that rewrites the job's runner instead of its answers: the function that words what
the kata's code raised now says nothing went wrong, the encoder of observations returns what
a right answer would have left if the stub had been one (the inputs, unchanged), and torch's
comparisons all agree. Expect: the snapshot of what observing relies on sees the runner and
torch changed (flagged), and nothing the job sends is a verdict in any case: 0 points."""

import sys

import torch

torch.allclose = lambda *a, **k: True
_job = sys.modules.get("dojo.grade.observe_job")
_spec = sys.modules.get("dojo.spec")
if _job is not None:
    _job.describe_error = lambda err, target, module: ("failing", "")
if _spec is not None:
    _real = _spec.encode
    _spec.encode = lambda value, depth=0: _real(value, depth)


def sgd_step(params, lr):
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    raise NotImplementedError("decrement_all")
