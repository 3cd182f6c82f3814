"""Right: it updates through param.data.sub_ (in place on the same storage, not recorded, but without a
Right: version bump), clears the gradient to None instead of zeros, and uses a single `values[i] -=
Right: amount` for both tensors and numbers (a tensor's -= returns the same object, a number's a new
Right: one).
Shows on: float64/float16 parameters, non-contiguous leaves, aliases of the parameter's storage; in
Shows on: decrement_all 0-dim and integer tensors, tensors that require grad, views of a larger
Shows on: tensor.
Source: examiner set (issue 19)
"""

import torch


def sgd_step(params, lr):
    for param in params:
        param.data.sub_(lr * param.grad)
        param.grad = None


def decrement_all(values, amount):
    with torch.no_grad():
        for i in range(len(values)):
            values[i] -= amount
