"""Right: it needs no no_grad at all: param.detach() is a tensor that shares the parameter's storage
Right: (and version counter) but does not require grad, so add_ on it changes the caller's tensor
Right: without being recorded; the gradient is set to None.
Shows on: every irregular input of the checks: float64/float16/bfloat16, non-contiguous leaves, inf
Shows on: gradients, generators, two models side by side, calls inside no_grad.
Source: examiner set (issue 19)
"""

import torch


def sgd_step(params, lr):
    for param in params:
        param.detach().add_(param.grad, alpha=-lr)
        param.grad = None


def decrement_all(values, amount):
    for i, v in enumerate(values):
        if isinstance(v, torch.Tensor):
            v.detach().sub_(amount)
        else:
            values[i] = v - amount
