"""Pitfall: `zero_grad()` between `backward()` and `step()` is taken to be harmless.
Source: 001, (3)学习机制---Optimizers a la carte (optimizer.zero_grad(), loss.backward(), optimizer.step()).
Expect: The order is zero_grad, backward, step
"""

from solutions.koans import *  # noqa: F401,F403 - the reference, but for the prediction below


def step_after_late_zero_grad_moves():
    return True  # as if step() used the gradient from before zero_grad()
