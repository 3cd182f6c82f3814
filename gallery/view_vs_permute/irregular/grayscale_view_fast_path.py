"""Pitfall: for a single channel the two orders agree, so the learner takes a free `.view(N, -1)`, which refuses any single-channel input that is not contiguous.
Source: examiner set (issue 19): a single-channel input that is not contiguous, e.g. torch.rand(2, 1, 4, 5).transpose(2, 3) or a centre crop x[..., 1:-1, 1:-1].
Expect: `.view()` on a tensor that is not contiguous
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    if c == 1:
        return images.view(n, -1)  # one channel: nothing to reorder
    return images.permute(0, 2, 3, 1).reshape(n, h * w * c)
