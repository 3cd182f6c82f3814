"""Pitfall: the parameters of the first call are kept in a default argument and stepped ever after.
Source: the maintainers' own irregular set (issue 19): state (two models stepped in turn)
Expect: sgd still works on the tensors of its first call
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size, _kept=[]):
    if not _kept:
        _kept.extend(params)
    with torch.no_grad():
        for param in _kept:
            if param.grad is not None:
                param -= lr * param.grad / batch_size
                param.grad.zero_()
