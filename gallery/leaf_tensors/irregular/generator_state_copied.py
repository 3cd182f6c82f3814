"""Pitfall: w is drawn from a private copy of the caller's generator, which therefore never moves
Pitfall: on: every call with it gives the same w.
Source: examiner set (issue 19): randomness, one generator used for two calls
Expect: the caller's generator did not move on
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    if generator is not None:
        copy = torch.Generator()
        copy.set_state(generator.get_state())
        generator = copy
    w = torch.randn(n_features, 1, dtype=dtype, generator=generator) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
