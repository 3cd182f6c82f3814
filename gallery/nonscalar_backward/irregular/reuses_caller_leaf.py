"""Pitfall: an x that already requires grad is used as the leaf: the backward adds into the caller's
Pitfall: x.grad, which is handed back.
Source: examiner set (issue 19): an x that requires grad and holds a gradient
Expect: the result is the caller's x.grad itself
Expect: gradients accumulate
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x if x.requires_grad else x.detach().clone().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        y.backward(torch.ones_like(y))
    return leaf.grad
