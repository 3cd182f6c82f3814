"""Pitfall: the rows are made by storing the images channels-last in memory and flattening: but flatten/reshape follow the indices (C, H, W), never the memory order, so the rows are in PyTorch's channel-by-channel order.
Source: the maintainers' own set (issue 19), kinds the examiner missed: any input with C > 1 and H * W > 1.
Expect: flattened in the (C, H, W) order
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n = images.shape[0]
    return images.contiguous(memory_format=torch.channels_last).reshape(n, -1)
