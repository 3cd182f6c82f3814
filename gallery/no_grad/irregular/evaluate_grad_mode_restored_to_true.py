"""Pitfall: evaluate switches autograd off with a plain call and back on with
Pitfall: `torch.set_grad_enabled(True)`: a caller inside its own `torch.no_grad()` finds it on.
Source: the maintainer's own irregular set (issue 19): evaluate called inside torch.no_grad()
Expect: the mode was put back to True, a constant
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    torch.set_grad_enabled(False)
    out = model(X)
    torch.set_grad_enabled(True)
    for m, was in modes:
        m.training = was
    return out
