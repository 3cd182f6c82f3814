"""Right: einsum names the axes ('nchw->nhwc'), so the move reads like the docstring; unusual for a
Right: pure transpose.
Shows on: integer, bool, float64 and requires_grad inputs; non-contiguous and channels-last inputs;
Shows on: an empty batch.
Source: examiner set (issue 19)
"""

import torch


def to_channels_last(images):
    return torch.einsum("nchw->nhwc", images)


def flatten_channels_last(images):
    # flatten(1) also works for an empty batch, where reshape(n, -1) would refuse.
    return torch.einsum("nchw->nhwc", images).flatten(1)
