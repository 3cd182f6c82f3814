"""Pitfall: the result is rebuilt from the values (`torch.tensor(...tolist())`) and given `requires_grad_()` like the input: it requires grad, but it is a new leaf, and no gradient reaches the input.
Source: the maintainers' own set (issue 19), kinds the examiner missed: an input that requires grad (backward through the result leaves images.grad None).
Expect: no gradient reached the input
"""

import torch


def to_channels_last(images):
    out = torch.tensor(images.detach().permute(0, 2, 3, 1).tolist(), dtype=images.dtype)
    return out.requires_grad_(images.requires_grad)


def flatten_channels_last(images):
    n = images.shape[0]
    return to_channels_last(images).reshape(n, -1)
