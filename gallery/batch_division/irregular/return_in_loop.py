"""Pitfall: a return inside the loop: only the first parameter is stepped.
Source: the maintainers' own irregular set (issue 19): iteration (several parameters)
Expect: the loop stopped early
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
            return
