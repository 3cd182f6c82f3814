"""Pitfall: evaluate switches only the model's direct children to eval (`for m in model.children():
Pitfall: m.eval()`... with `m.training = False`), so a dropout nested deeper stays in train mode.
Source: the maintainer's own irregular set (issue 19): a nested model (Sequential in Sequential)
Expect: during the forward pass these layers were in train mode
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    modes = [(m, m.training) for m in model.modules()]
    for m in (model, *model.children()):
        m.training = False  # one level deep only
    try:
        with torch.no_grad():
            return model(X)
    finally:
        for m, was in modes:
            m.training = was
