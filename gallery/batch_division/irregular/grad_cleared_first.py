"""Pitfall: the gradient is cleared before it is used: the step is zero.
Source: the maintainers' own irregular set (issue 19): order (the gradient cleared before its
Source: use)
Expect: as when `param.grad` is cleared before it is used
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param.grad.zero_()
            param -= lr * param.grad / batch_size
