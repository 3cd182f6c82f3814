"""leaf_tensors: parameters that are leaves, so that `backward()` fills their `.grad`
(reference solution)."""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    """w ~ N(0, std) of shape (n_features, 1) and b = 0 of shape (1,): leaves that require grad."""
    # Draw where the generator lives (the CPU), scale, convert: all before autograd watches.
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device)
    # Only now mark it: requires_grad_() on a finished tensor keeps it a leaf.
    w.requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
