"""Pitfall: the in-place update of a leaf outside `torch.no_grad()` (PyTorch's RuntimeError).
Source: 003, notes on 《动手学深度学习》 linear regression ("why with torch.no_grad()?").
Expect: In-place update of a leaf outside `torch.no_grad()`
"""

from solutions.inplace_update import *  # noqa: F401,F403 - the reference, but for the line below


def sgd_step(params, lr):
    for param in params:
        param -= lr * param.grad  # autograd refuses: a leaf that requires grad
        param.grad.zero_()
