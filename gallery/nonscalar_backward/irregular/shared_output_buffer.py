"""Pitfall: one module-level output buffer reused by every call: a result the caller keeps is
Pitfall: overwritten by the next call.
Source: examiner set (issue 19): state, two results kept side by side
Expect: was overwritten by the next call
"""

import torch

_out = None


def elementwise_grad(f, x):
    global _out
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().clone().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            grad = torch.zeros_like(leaf)
        else:
            (grad,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    if _out is None or (_out.shape, _out.dtype, _out.device) != (grad.shape, grad.dtype, grad.device):
        _out = torch.empty_like(grad)
    return _out.copy_(grad)
