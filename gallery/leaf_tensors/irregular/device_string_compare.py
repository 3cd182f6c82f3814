"""Pitfall: the generator is used only when device == 'cpu', which a torch.device('cpu') object is
Pitfall: not: w then comes from the global generator.
Source: examiner set (issue 19): randomness, device given as a torch.device object
Expect: w is drawn from the global generator, not from `generator`
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    if device == "cpu":
        w = torch.randn(n_features, 1, dtype=dtype, generator=generator)
    else:
        w = torch.randn(n_features, 1, dtype=dtype, device=device)
    w = (w * std).requires_grad_()
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
