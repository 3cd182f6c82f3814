"""Pitfall: the output is allocated with `torch.zeros(N, H, W, C)` (float32 by default) and filled channel by channel, so a float64 input loses precision and an integer input comes back as floats.
Source: examiner set (issue 19): a float64 input such as 1 + 1e-12 (returned as float32 1.0), or an int64 input with values above 2**24.
Expect: the elements are in their places, but converted
Expect: without `dtype=images.dtype`
"""

import torch


def to_channels_last(images):
    n, c, h, w = images.shape
    out = torch.zeros(n, h, w, c)
    for ch in range(c):
        out[..., ch] = images[:, ch]
    return out


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return to_channels_last(images).reshape(n, h * w * c)
