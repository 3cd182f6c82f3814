"""Pitfall: the global generator is reseeded from the generator's seed inside fork_rng(): the global
Pitfall: stream is left alone, but the caller's generator never moves on.
Source: examiner set (issue 19, the maintainers' own): randomness, one generator used for two
Source: calls
Expect: the caller's generator did not move on
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    with torch.random.fork_rng(devices=[]):
        if generator is not None:
            torch.manual_seed(generator.initial_seed())
        w = torch.randn(n_features, 1, dtype=dtype) * std
    w = w.to(device).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
