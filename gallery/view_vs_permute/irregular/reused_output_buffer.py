"""Pitfall: the result is a module-level buffer per shape, filled in place and handed out on every call: a later call with the same shape overwrites the result the caller kept from an earlier call.
Source: the maintainers' own set (issue 19), kinds the examiner missed: two calls with the same shape, the first result looked at after the second.
Expect: a buffer kept between calls
"""

import torch

_BUFFERS = {}


def _buffer(fn, shape, dtype):
    key = (fn, tuple(shape), dtype)
    if key not in _BUFFERS:
        _BUFFERS[key] = torch.empty(shape, dtype=dtype)
    return _BUFFERS[key]


def to_channels_last(images):
    n, c, h, w = images.shape
    out = _buffer("nhwc", (n, h, w, c), images.dtype)
    with torch.no_grad():
        out.copy_(images.permute(0, 2, 3, 1))
    return out if not images.requires_grad else images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    out = _buffer("rows", (n, h * w * c), images.dtype)
    with torch.no_grad():
        out.copy_(images.permute(0, 2, 3, 1).reshape(n, -1))
    return out if not images.requires_grad else images.permute(0, 2, 3, 1).reshape(n, -1)
