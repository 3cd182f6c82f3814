"""Pitfall: params is iterated twice (one loop to update, one loop to clear the gradients), so when
Pitfall: it is a generator such as model.parameters() the second loop sees nothing and the
Pitfall: gradients are never cleared.
Source: examiner set (issue 19): params given as a generator (model.parameters() or (p for p in
Source: [w, b])).
Expect: a second loop over `params`
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
    for param in params:
        param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
