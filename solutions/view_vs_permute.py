"""view_vs_permute: move axes with permute, then reshape (reference solution)."""

import torch


def to_channels_last(images):
    """(N, C, H, W) -> (N, H, W, C): axis 1 moves to the end; every element keeps its pixel."""
    return images.permute(0, 2, 3, 1)  # a view with new strides; no number moves in memory


def flatten_channels_last(images):
    """(N, C, H, W) -> (N, H * W * C), the channels innermost."""
    # After the permute the tensor is not contiguous: `.view(N, -1)` would refuse, `reshape`
    # copies the numbers into the new order.
    return to_channels_last(images).reshape(images.shape[0], -1)
