"""Pitfall: autograd is switched off for the steps and never back on.
Source: the maintainers' own irregular set (issue 19): state (grad mode after the call)
Expect: train_epoch left autograd switched off
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    w.grad, b.grad = None, None
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        torch.set_grad_enabled(True)
        ((X @ w + b - y) ** 2 / 2).sum().backward()
        torch.set_grad_enabled(False)
        for param in (w, b):
            param -= lr * param.grad / len(X)
            param.grad.zero_()
