"""Pitfall: the strided view is built with the strides of a contiguous (N, C, H, W) tensor, not the input's own strides, so any input that is not laid out that way is read from the wrong places.
Source: examiner set (issue 19): a non-contiguous input: a channel slice images[:, 1:], an H/W transpose, a channels-last tensor, an expanded tensor.
Expect: as if it were a contiguous (N, C, H, W) block
"""

import torch


def to_channels_last(images):
    n, c, h, w = images.shape
    return images.as_strided((n, h, w, c), (c * h * w, w, 1, h * w))


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return to_channels_last(images).reshape(n, h * w * c)
