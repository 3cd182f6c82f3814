"""Pitfall: the rows are built with `images.view(N, C, H * W)` before the transpose, and `.view` refuses a tensor whose H and W are not contiguous, so the function raises on inputs the contract allows.
Source: examiner set (issue 19): a non-contiguous input whose H and W cannot be merged: x.transpose(2, 3) or a centre crop x[..., 1:-1, 1:-1] (channels-last and x[..., ::2] happen to pass).
Expect: `.view()` on a tensor that is not contiguous
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return images.view(n, c, h * w).transpose(1, 2).reshape(n, h * w * c)
