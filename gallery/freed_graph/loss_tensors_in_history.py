"""Pitfall: loss tensors kept in the history (every step's graph held in memory).
Source: 003, notes on 《动手学深度学习》 linear regression (why the graph is freed after backward: "模型过大时一直占用很容易爆内存").
Expect: loss tensors kept in the history
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for the lines below


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    for X, y in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        history.append(loss)  # the tensor, and with it its graph
    return history
