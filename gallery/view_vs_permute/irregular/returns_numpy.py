"""Pitfall: to_channels_last returns a NumPy array "for imshow", not a tensor: the dtype bfloat16 has no NumPy counterpart (it raises), the graph and the device are lost.
Source: the maintainers' own set (issue 19), kinds the examiner missed: any input (the result is no tensor); a bfloat16 input raises.
Expect: not a tensor
"""

import torch


def to_channels_last(images):
    return images.detach().permute(0, 2, 3, 1).numpy()


def flatten_channels_last(images):
    n = images.shape[0]
    return images.permute(0, 2, 3, 1).reshape(n, -1)
