"""Right: it never calls permute: two transposes move C to the end, and the rows come from flattening H
Right: and W first, then swapping the (HW, C) axes.
Shows on: non-square images (H != W), a single channel, non-contiguous inputs, an empty batch.
Source: examiner set (issue 19)
"""

import torch


def to_channels_last(images):
    # (N, C, H, W) -> (N, H, C, W) -> (N, H, W, C)
    return images.transpose(1, 2).transpose(2, 3)


def flatten_channels_last(images):
    # (N, C, H, W) -> (N, C, H*W) -> (N, H*W, C) -> (N, H*W*C)
    return images.flatten(2).transpose(1, 2).flatten(1)
