"""Pitfall: the axes are moved with the in-place `transpose_`, which changes the caller's tensor itself: after the call `images` has shape (N, H, W, C), and a second call scrambles it further.
Source: examiner set (issue 19): any input, looked at after the call (its shape has changed), or the same tensor passed twice.
Expect: the caller's images changed
Expect: `transpose_`
"""

import torch


def to_channels_last(images):
    return images.transpose_(1, 2).transpose_(2, 3)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return images.permute(0, 2, 3, 1).reshape(n, h * w * c)
