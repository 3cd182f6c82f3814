"""Pitfall: evaluate caches the modes per model (by `id(model)`) on the first call: later calls put back
Pitfall: the first call's modes.
Source: the maintainer's own irregular set (issue 19): evaluate called twice with the modes changed
Source: in between
Expect: the modes put back are those the model had before an earlier call
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows

_modes = {}


def evaluate(model, X):
    modes = _modes.setdefault(id(model), [(m, m.training) for m in model.modules()])
    model.eval()
    try:
        with torch.no_grad():
            return model(X)
    finally:
        for m, was in modes:
            m.training = was
