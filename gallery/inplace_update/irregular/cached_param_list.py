"""Pitfall: The parameters are turned into a list once and kept in a module-level cache, so a later
Pitfall: call with other parameters (a second model) updates the first model's tensors again and
Pitfall: leaves the new ones alone.
Source: examiner set (issue 19): two models trained side by side (sgd_step([w1, b1], lr) then
Source: sgd_step([w2, b2], lr)).
Expect: sgd_step still works on the tensors of its first call
"""

import torch

_params = None


def sgd_step(params, lr):
    global _params
    if _params is None:
        _params = list(params)
    with torch.no_grad():
        for param in _params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
