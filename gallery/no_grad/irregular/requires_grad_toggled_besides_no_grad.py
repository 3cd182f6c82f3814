"""Pitfall: evaluate switches `requires_grad` off on every parameter (besides `torch.no_grad()`)
Pitfall: and back on with `model.requires_grad_(True)`: a parameter the caller had frozen comes
Pitfall: back trainable.
Source: the maintainer's own irregular set (issue 19): a model with a frozen first layer
Expect: evaluate changed which parameters require grad
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    model.requires_grad_(False)  # "belt and braces"
    try:
        with torch.no_grad():
            return model(X)
    finally:
        model.requires_grad_(True)  # unfreezes what the caller froze
        for m, was in modes:
            m.training = was
