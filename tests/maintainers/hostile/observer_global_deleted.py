"""The right answer, plus a deletion in the observers' module: sgd_step deletes the global `KATA`
of the module its caller lives in (`sys._getframe(1).f_globals`), a name no observer of these
cases reads again. Deleting a name that the observers look up would send them to one of the
same name in builtins, which the kata could have made. No import, no literal module name.
Expect: the key set of the observers' module is watched: `tests.KATA` gone, flagged, 0 points."""

import sys

import torch


def sgd_step(params, lr):
    sys._getframe(1).f_globals.pop("KATA", None)
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, value in enumerate(values):
            if isinstance(value, torch.Tensor):
                value -= amount
            else:
                values[i] = value - amount
