"""Pitfall: central differences instead of autograd: an approximation, wrong at kinks and for large
Pitfall: values.
Source: examiner set (issue 19): precision, a kink (relu at 0), values far from zero
Expect: an approximation (a finite difference
"""

import torch


def elementwise_grad(f, x):
    h = torch.finfo(x.dtype).eps ** (1 / 3)
    with torch.no_grad():
        x = x.detach()
        return (f(x + h) - f(x - h)) / (2 * h)
