"""Pitfall: evaluate returns `model(X).float()`, so a float64 model's outputs come back float32.
Source: the maintainer's own irregular set (issue 19): a float64 model
Expect: they were converted on the way
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            return model(X).float()
    finally:
        for m, was in modes:
            m.training = was
