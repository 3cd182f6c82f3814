"""Pitfall: param.set_(param - lr * param.grad) keeps the same Python object but points it at new
Pitfall: memory, so anything that shares the old storage (a detach()ed alias, an optimizer's view,
Pitfall: a tied weight) keeps the old values.
Source: examiner set (issue 19): an alias taken before the step with a = param.detach(): a no
Source: longer equals param afterwards, and param.data_ptr() has changed.
Expect: the tensors got new storage
"""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param.set_(param - lr * param.grad)
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
