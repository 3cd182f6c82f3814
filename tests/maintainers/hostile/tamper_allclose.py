"""A wrong answer (rebinding) that makes every comparison say "equal" in its own process.
Expect: the comparisons that decide are made in the grading process, untouched; the snapshot
sees torch's comparisons changed: flagged, 0 points."""

import builtins

import torch

torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.Tensor.__eq__ = lambda self, other: True
builtins.all = lambda *a, **k: True


def sgd_step(params, lr):
    for p in params:
        p = p - lr * p.grad  # noqa: F841 - the pitfall


def decrement_all(values, amount):
    for v in values:
        v -= amount  # noqa: F841 - the pitfall
