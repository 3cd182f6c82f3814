"""Pitfall: `transpose(1, 3)` swaps the channel and the width axes, giving (N, W, H, C): on square images the shape looks right but every picture is mirrored along its diagonal.
Source: examiner set (issue 19): a square image whose content is not symmetric (e.g. torch.arange(18.).reshape(1, 2, 3, 3)); on non-square images the shape is wrong too.
Expect: the axes moved in another order, `permute(0, 3, 2, 1)`
"""

import torch


def to_channels_last(images):
    return images.transpose(1, 3)


def flatten_channels_last(images):
    n = images.shape[0]
    return to_channels_last(images).reshape(n, -1)
