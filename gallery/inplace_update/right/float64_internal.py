"""Right: it writes the result with copy_ from a float64 computation and gives the gradient a fresh
Right: zeros tensor; a test that compares bit for bit with `param - lr * grad` would reject it,
Right: wrongly.
Shows on: float32, float16 and bfloat16 parameters (the step is computed in float64 and rounded
Shows on: once, so it can differ from plain `param -= lr * grad` in the last bit), non-contiguous
Shows on: leaves, a generator of parameters.
Source: examiner set (issue 19)
"""

import operator

import torch


@torch.no_grad()
def sgd_step(params, lr):
    for param in params:
        param.copy_(param.double() - lr * param.grad.double())
        param.grad = torch.zeros_like(param.grad)


@torch.no_grad()
def decrement_all(values, amount):
    for i, v in enumerate(values):
        values[i] = operator.isub(v, amount)
