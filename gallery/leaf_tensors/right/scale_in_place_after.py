"""Right: it makes w require grad *before* scaling, which the kata warns against, but scales in place
Right: under torch.no_grad(), which records nothing: w stays a leaf (its version counter moves,
Right: nothing else).
Shows on: every dtype and device of the checks, a generator used twice, std=0.
Source: examiner set (issue 19)
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator).to(device).requires_grad_()
    with torch.no_grad():
        w.mul_(std)
    b = torch.zeros(1, dtype=dtype, device=device).requires_grad_()
    return w, b
