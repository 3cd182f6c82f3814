"""Right: it does not copy an x that already requires grad: torch.autograd.grad with inputs=x returns
Right: the derivative without storing it, so differentiating the caller's own tensor is safe, which
Right: the hints' "work on a leaf of your own" does not suggest.
Shows on: x that requires grad, as a leaf with a .grad already there or as a non-leaf in the middle
Shows on: of a graph (no .grad anywhere changes, x.requires_grad stays True); every other input goes
Shows on: through a private leaf.
Source: examiner set (issue 19)
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x if x.requires_grad else x.detach().clone().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(x)
        (g,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    return g.detach()
