"""Right: d2l's own `sgd(params, lr, batch_size)` kept as it is (`param -= lr * param.grad /
Right: batch_size` and `param.grad.zero_()` under `torch.no_grad()`), sgd_step calling it with a
Right: batch of 1; decrement_all in the article's `a[0] -= 1` style: `values[i] -= amount` for every
Right: element (the same tensor back, a new number), under `torch.no_grad()` for leaves.
Source: 003, notes on 《动手学深度学习》 linear regression, done right
"""

import torch


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent, as d2l writes it."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size  # -= is sub_: the caller's tensor changes
            param.grad.zero_()


def sgd_step(params, lr):
    sgd(params, lr, 1)  # the gradient of a loss already averaged: nothing left to divide by


def decrement_all(values, amount):
    with torch.no_grad():
        for i in range(len(values)):
            # a tensor's -= changes it and gives the same object back; an int's gives a new int,
            # which the assignment to values[i] puts in the caller's list
            values[i] -= amount
