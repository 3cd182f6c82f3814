"""Pitfall: the input is cleaned in place (`images.nan_to_num_()`) before the move: the caller's tensor is written (its version changes, its nan become numbers), and one that requires grad raises.
Source: the maintainers' own set (issue 19), kinds the examiner missed: any input, looked at after the call (its version counter); an input holding nan.
Expect: were written in place
"""

import torch


def to_channels_last(images):
    images.nan_to_num_()
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n = images.shape[0]
    return to_channels_last(images).reshape(n, -1)
