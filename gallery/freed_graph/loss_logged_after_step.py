"""Pitfall: each batch's loss logged from a second forward pass after `optimizer.step()`: it measures
Pitfall: the updated model, not the loss the step trained on.
Source: 003, notes on 《动手学深度学习》 linear regression (its loop computes `train_l` under
Source: `torch.no_grad()` after the update, a figure of the next model).
Expect: each batch's loss was logged after its step
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        optimizer.step()
        with torch.no_grad():  # a float, no graph: but of the model after the step
            history.append(loss_fn(model(X), y).item())
    return history
