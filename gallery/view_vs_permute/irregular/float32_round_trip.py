"""Pitfall: the elements go through float32 and back to the input's dtype: the dtype is kept, but int64 beyond 2**24 and float64 values come back rounded.
Source: the maintainers' own set (issue 19), kinds the examiner missed: int64 values beyond 2**24, float64 values that float32 cannot hold.
Expect: went through float32 and came back rounded
"""

import torch


def to_channels_last(images):
    return images.float().permute(0, 2, 3, 1).to(images.dtype)


def flatten_channels_last(images):
    n = images.shape[0]
    return to_channels_last(images).reshape(n, -1)
