"""Right: the examiner filed it as wrong: its private leaf is `x.detach().requires_grad_()` without
Right: a clone, which raises for an x made under `torch.inference_mode()`. The stub leaves inference
Right: tensors out ("calls inside torch.inference_mode() are not asked for"), and for every x it
Right: does ask for, a detached leaf sharing x's memory is the standard recipe, and right.
Source: examiner set (issue 19): wrong_detach_without_clone.py, right by the contract
"""

import torch


def elementwise_grad(f, x):
    with torch.inference_mode(False), torch.enable_grad():
        leaf = x.detach().requires_grad_()
        y = f(leaf)
        if not y.requires_grad:
            return torch.zeros_like(leaf)
        (grad,) = torch.autograd.grad(y, leaf, torch.ones_like(y))
    return grad
