"""Right: it uses the multi-tensor torch._foreach_* kernels that torch.optim uses internally (one call
Right: for all parameters) and a slice assignment that rewrites the caller's list in one statement.
Shows on: generators of parameters, several dtypes in one call (float64, float16, bfloat16),
Shows on: non-contiguous leaves, 0-dim tensors and number types beyond int/float (Fraction, complex)
Shows on: in decrement_all.
Source: examiner set (issue 19)
"""

import torch


def sgd_step(params, lr):
    params = list(params)
    grads = [p.grad for p in params]
    with torch.no_grad():
        torch._foreach_add_(params, grads, alpha=-lr)
        torch._foreach_zero_(grads)


def decrement_all(values, amount):
    with torch.no_grad():
        values[:] = [v.sub_(amount) if isinstance(v, torch.Tensor) else v - amount for v in values]
