"""Right: it is the textbook answer (permute, then reshape, which copies when it must).
Shows on: every input: any sizes, any dtype, non-contiguous, channels-last, expanded, requires_grad.
Source: examiner set (issue 19)
"""

import torch


def to_channels_last(images):
    """(N, C, H, W) -> (N, H, W, C), each element moved."""
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    """(N, C, H, W) -> (N, H * W * C), channels innermost."""
    n, c, h, w = images.shape
    return images.permute(0, 2, 3, 1).reshape(n, h * w * c)
