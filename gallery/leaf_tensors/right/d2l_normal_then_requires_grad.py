"""Right: the articles' d2l initialisation, `w = torch.normal(0, 0.01, size=(2, 1),
Right: requires_grad=True)` and `b = torch.zeros(1, requires_grad=True)`, done right for any
Right: dtype and device: torch.normal draws with the std, the generator and the dtype asked for,
Right: the result is moved, and only then marked with requires_grad_(); b is made where it lives.
Source: 002, 自动求导尝试, done right
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    # drawn on the CPU, where the generator lives, in the dtype asked for; then moved
    w = torch.normal(0, std, size=(n_features, 1), generator=generator, dtype=dtype).to(device)
    w.requires_grad_()  # last: a finished tensor marked in place stays a leaf
    b = torch.zeros(1, dtype=dtype, device=device, requires_grad=True)
    return w, b
