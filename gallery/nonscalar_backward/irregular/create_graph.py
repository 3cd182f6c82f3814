"""Pitfall: the gradient taken with create_graph=True: the result requires grad and carries a graph.
Source: examiner set (issue 19, the maintainers' own): autograd, a result that leaks a graph
Expect: the result requires grad
"""

import torch


def elementwise_grad(f, x):
    leaf = x.detach().requires_grad_()
    with torch.enable_grad():
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y.sum(), leaf, create_graph=True)
    return grad
