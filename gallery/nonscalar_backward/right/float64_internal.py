"""Right: computing in double and returning x's dtype is a numerically careful style; a test that
Right: demands bit-for-bit equality with an autograd run in float16 would reject it, wrongly.
Shows on: float32, float16 and bfloat16 x (the derivative is computed in float64 and rounded once to
Shows on: x's dtype, so it may differ from the plain answer in the last bit), 0-dim and
Shows on: non-contiguous x, x that requires grad, constant f, no_grad and inference callers.
Source: examiner set (issue 19)
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().to(torch.float64, copy=True).requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(x)
        y.backward(gradient=torch.ones_like(y))
    return leaf.grad.to(x.dtype)
