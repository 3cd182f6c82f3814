"""Pitfall: when the input is already stored channels-last in memory it is reshaped instead of permuted, but reshape follows the logical (N, C, H, W) order, not the memory order, so those images come out scrambled.
Source: examiner set (issue 19): an input in channels_last memory format, e.g. torch.rand(2, 3, 4, 5).contiguous(memory_format=torch.channels_last).
Expect: reshaped, not permuted
Expect: That the input is stored channels-last in memory changes nothing
"""

import torch


def to_channels_last(images):
    n, c, h, w = images.shape
    if images.is_contiguous(memory_format=torch.channels_last):
        return images.reshape(n, h, w, c)  # already NHWC in memory: "just relabel"
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return images.permute(0, 2, 3, 1).reshape(n, h * w * c)
