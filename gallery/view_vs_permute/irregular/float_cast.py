"""Pitfall: the result is cast with `.float()`, so a uint8 image comes back as float32 (matplotlib then reads 0..255 floats as clipped to [0, 1]) and float64 data loses precision: the elements must be moved, not converted.
Source: examiner set (issue 19): a uint8 batch (images straight from PIL or torchvision.io) or a float64 batch.
Expect: the elements are in their places, but converted
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1).float()


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return to_channels_last(images).reshape(n, h * w * c)
