"""Pitfall: accuracy converts the model and the inputs to float32 "so that the dtypes match":
Pitfall: `model.float()` converts the caller's float64 model in place, and it stays float32.
Source: the maintainer's own irregular set (issue 19): a float64 model
Expect: accuracy converted the caller's model to another dtype
"""

import torch

from solutions.train_eval_mode import *  # noqa: F401,F403 - the reference, but for what follows


def accuracy(model, batches):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    model.float()  # in place: the caller's model too
    correct, total = 0, 0
    with torch.no_grad():
        for X, y in batches:
            X = X.float() if torch.is_tensor(X) else tuple(x.float() for x in X)
            correct += (model(X).argmax(dim=1) == y).sum().item()
            total += len(y)
    for m, was in modes:
        m.training = was
    return correct / total
