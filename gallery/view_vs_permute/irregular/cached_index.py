"""Pitfall: the gather index is cached in a module-level dict keyed by the row length C*H*W alone, so a later call with another (C, H, W) of the same length reuses an index built for the wrong shape.
Source: examiner set (issue 19): a second call with the same row length but another shape: first (1, 2, 3, 4), then (1, 4, 3, 2).
Expect: the numbers are in the order that is right for images of
"""

import torch

_INDEX = {}


def _index(c, h, w):
    key = c * h * w
    if key not in _INDEX:
        _INDEX[key] = torch.arange(key).reshape(c, h, w).permute(1, 2, 0).reshape(-1)
    return _INDEX[key]


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return images.reshape(n, c * h * w)[:, _index(c, h, w)]
