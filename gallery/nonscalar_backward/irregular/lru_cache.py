"""Pitfall: memoised with functools.lru_cache, which keys a tensor by identity: after x changes in
Pitfall: place, the stale answer (the same object) comes back.
Source: examiner set (issue 19): state, x changed in place between two calls
Expect: the call returned the very same tensor object as before
"""

import functools

import torch


@functools.lru_cache(maxsize=None)
def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().clone().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    return grad
