"""Pitfall: grad mode switched off and never back on.
Source: the maintainers' own irregular set (issue 19): state (grad mode after the call)
Expect: sgd left autograd switched off
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    torch.set_grad_enabled(False)
    for param in params:
        param -= lr * param.grad / batch_size
        param.grad.zero_()
