"""Pitfall: the tensor goes through NumPy (`images.numpy().transpose(...)`), which refuses a tensor that requires grad and a bfloat16 tensor, so the function breaks on inputs the contract allows.
Source: examiner set (issue 19): an input with requires_grad=True (e.g. the output of a conv layer) or a bfloat16 input.
Expect: `.numpy()` on a tensor in a graph
"""

import torch


def to_channels_last(images):
    return torch.from_numpy(images.numpy().transpose(0, 2, 3, 1))


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return to_channels_last(images).reshape(n, h * w * c)
