"""Right: it builds the channels-last tensor channel by channel (unbind, then stack on a new last
Right: axis): always a fresh copy, no permute at all.
Shows on: a batch of one, a single channel, non-contiguous and channels-last inputs,
Shows on: float64/uint8/bool dtypes, requires_grad.
Source: examiner set (issue 19)
"""

import torch


def to_channels_last(images):
    # images.unbind(1): C tensors of shape (N, H, W); stacked on a new last axis.
    return torch.stack(images.unbind(1), dim=-1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return to_channels_last(images).reshape(n, h * w * c)
