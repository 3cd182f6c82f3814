"""Pitfall: sgd divides by the batch size twice.
Source: the maintainers' own irregular set (issue 19): values (the step's size)
Expect: divided by the batch size twice
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size / batch_size
            param.grad.zero_()
