"""Pitfall: params indexed by position: a generator has no len().
Source: the maintainers' own irregular set (issue 19): iteration (a generator of parameters)
Expect: the parameters came as a generator
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for i in range(len(params)):
            params[i] -= lr * params[i].grad / batch_size
            params[i].grad.zero_()
