"""Pitfall: dividing by the number of micro-batches when their sizes differ (a mean of batch means).
Source: 000, 最简单的深度学习训练代码 (梯度累积 to simulate a bigger batch); 003, notes on 《动手学深度学习》 linear regression (the last batch is smaller).
Expect: divided by the number of micro-batches
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    model.zero_grad()
    for X, y in micro_batches:
        loss = loss_fn(model(X), y) / len(micro_batches)  # right only if all sizes are equal
        loss.backward()
