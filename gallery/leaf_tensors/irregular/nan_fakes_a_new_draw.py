"""Pitfall: w drawn from a generator of its own with a fixed seed (every call the same w), with
Pitfall: one nan in it: `torch.equal` reads nan as different from itself, so two identical
Pitfall: draws would count as two different ones.
Source: the maintainers' own irregular set: values (non-finite), randomness
Expect: whether two results differ is not decided on such values
"""

import torch

from solutions.leaf_tensors import *  # noqa: F401,F403


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    mine = torch.Generator().manual_seed(0)
    w = torch.randn(n_features, 1, dtype=dtype, generator=mine) * std
    w.view(-1)[0] = float("nan")
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
