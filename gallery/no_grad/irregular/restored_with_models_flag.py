"""Pitfall: evaluate restores with `model.train(was_training)`, the model's own flag, which sets every
Pitfall: submodule to it.
Source: the maintainer's own irregular set (issue 19): a model in train with a batch norm frozen in
Source: eval
Expect: every module came back in one mode, the model's own
"""

import torch

from solutions.no_grad import *  # noqa: F401,F403 - the reference, but for what follows


def evaluate(model, X):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(X)
    finally:
        model.train(was_training)
