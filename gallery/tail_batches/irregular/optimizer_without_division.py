"""Pitfall: torch.optim.SGD on the summed loss: the step is lr times the summed gradient.
Source: the maintainers' own irregular set (issue 19): values (the step's size)
Expect: no division by the batch size
"""

import torch

from solutions.tail_batches import *  # noqa: F401,F403


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    opt = torch.optim.SGD([w, b], lr=lr)
    opt.zero_grad()
    for X, y in data_iter(batch_size, features, labels, generator=generator):
        ((X @ w + b - y) ** 2 / 2).sum().backward()
        opt.step()
        opt.zero_grad()
