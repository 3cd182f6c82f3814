"""Right: a module-level cache of the gather index, keyed by the whole (C, H, W): a second call
Right: with other sizes gets an index of its own (the state kept between calls is right
Right: because its key is complete); the channels-last tensor is the gathered rows reshaped.
Source: the maintainer's own set (issue 19)
"""

import torch
_CACHE = {}
def _idx(c, h, w):
    if (c, h, w) not in _CACHE:
        _CACHE[(c, h, w)] = torch.arange(c * h * w).reshape(c, h, w).permute(1, 2, 0).reshape(-1)
    return _CACHE[(c, h, w)]
def to_channels_last(images):
    n, c, h, w = images.shape
    return flatten_channels_last(images).reshape(n, h, w, c)
def flatten_channels_last(images):
    n, c, h, w = images.shape
    return images.reshape(n, -1)[:, _idx(c, h, w)]
