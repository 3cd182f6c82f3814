"""Pitfall: a running loss that keeps every graph alive and is backpropagated each step.
Source: 003, notes on 《动手学深度学习》 linear regression (the losses of every batch concatenated and backpropagated together each step: "Trying to backward through the graph a second time").
Expect: a running loss that keeps every graph alive
"""

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for the lines below


def train_logging_losses(model, optimizer, loss_fn, batches):
    history = []
    running = 0.0
    for X, y in batches:
        optimizer.zero_grad()
        running = running + loss_fn(model(X), y)  # chains this batch's graph onto the others
        running.backward()  # the second time round, back through a freed graph
        optimizer.step()
        history.append(running.item() / (len(history) + 1))
    return history
