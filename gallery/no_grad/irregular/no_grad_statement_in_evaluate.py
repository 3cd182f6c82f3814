"""Pitfall: evaluate calls `torch.no_grad()` as a statement: nothing is switched off and the outputs
Pitfall: require grad.
Source: the maintainer's own irregular set (issue 19): any model with parameters that require grad
Expect: the outputs require grad
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    torch.no_grad()  # not a `with`
    out = model(X)
    for m, was in modes:
        m.training = was
    return out
