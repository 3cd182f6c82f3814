"""Pitfall: the reordering is done as a matrix product with a 0/1 permutation matrix, and nan * 0 or inf * 0 is nan, so a single nan or inf pixel spreads to every position of its row.
Source: examiner set (issue 19): an input holding nan or inf (e.g. one pixel set to float('inf')).
Expect: nan or inf spread
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    k = c * h * w
    src = torch.arange(k).reshape(c, h, w).permute(1, 2, 0).reshape(-1)
    perm = torch.zeros(k, k, dtype=images.dtype)
    perm[src, torch.arange(k)] = 1
    return images.reshape(n, k) @ perm
