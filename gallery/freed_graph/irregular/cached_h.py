"""Pitfall: h is computed once "and kept": a module-level cache, filled at the first call, serves
Pitfall: every later call, whatever x it is given.
Source: the maintainers' own irregular set (issue 19): a second call with new x, a and b.
Expect: h was kept from the first call
"""

import torch

from solutions.freed_graph import *  # noqa: F401,F403 - the reference, but for what follows

_H = {}


def grads_of_two_losses(x, w, a, b):
    if "h" not in _H or _H["w"] is not w:
        _H["h"], _H["w"] = torch.tanh(x @ w), w
    h = _H["h"]
    loss_a = (h @ a).pow(2).mean()
    loss_b = (h @ b).abs().mean()
    (grad_a,) = torch.autograd.grad(loss_a, w, retain_graph=True)
    (grad_b,) = torch.autograd.grad(loss_b, w, retain_graph=True)
    return grad_a, grad_b
