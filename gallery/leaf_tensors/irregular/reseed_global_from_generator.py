"""Pitfall: the global generator is reseeded from generator.initial_seed() instead of drawing from
Pitfall: the generator: it never moves on, and the caller's global stream is reset.
Source: examiner set (issue 19): randomness, one generator used for two calls
Expect: the caller's generator did not move on
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    if generator is not None:
        torch.manual_seed(generator.initial_seed())
    w = (torch.randn(n_features, 1, dtype=dtype) * std).to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
