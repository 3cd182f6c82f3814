"""Pitfall: `permute(0, 3, 1, 2)`, the inverse permutation (the one that takes channels-last back to (N, C, H, W)), is used to move the channels last.
Source: the maintainers' own set (issue 19), kinds the examiner missed: any input whose sizes differ (a cube C == H == W hides it in the shape).
Expect: the inverse permutation
"""

import torch


def to_channels_last(images):
    return images.permute(0, 3, 1, 2)


def flatten_channels_last(images):
    n = images.shape[0]
    return images.permute(0, 2, 3, 1).reshape(n, -1)
