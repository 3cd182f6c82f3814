"""Pitfall: stale gradients before accumulating: `.grad` is not cleared before the micro-batches.
Source: 000, 最简单的深度学习训练代码 (梯度累积: the case that needs no zero_grad between batches, but still a clean start).
Expect: stale gradients before accumulating
"""

from solutions.zero_grad import *  # noqa: F401,F403 - the reference, but for the lines below


def accumulated_gradients(model, loss_fn, micro_batches):
    total = sum(X.shape[0] for X, _ in micro_batches)
    for X, y in micro_batches:  # no model.zero_grad() first: the old .grad counts too
        loss = loss_fn(model(X), y) * (X.shape[0] / total)
        loss.backward()
