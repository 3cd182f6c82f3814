"""Pitfall: the update in place runs with autograd on.
Source: the maintainers' own irregular set (issue 19): autograd (a leaf that requires grad)
Expect: the update in place was recorded by autograd
"""

from solutions.batch_division import *  # noqa: F401,F403


def sgd(params, lr, batch_size):
    for param in params:
        param -= lr * param.grad / batch_size
        param.grad.zero_()
