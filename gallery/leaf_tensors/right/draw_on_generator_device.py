"""Right: it draws where the generator lives (generator.device) and moves the result afterwards, and
Right: gets the bias from w.new_zeros, so dtype and device follow w.
Shows on: a CPU generator with device="meta" or a torch.device object, generator=None with any
Shows on: device (and, on a GPU, a CUDA generator with device="cuda", which the draw-on-CPU recipe
Shows on: cannot use).
Source: examiner set (issue 19)
"""

import torch


def init_params(n_features, *, std=0.01, dtype=torch.float32, device="cpu", generator=None):
    where = generator.device if generator is not None else device
    w = torch.randn(n_features, 1, dtype=dtype, device=where, generator=generator).mul_(std)
    w = w.to(device).requires_grad_()
    b = w.new_zeros(1).requires_grad_()
    return w, b
