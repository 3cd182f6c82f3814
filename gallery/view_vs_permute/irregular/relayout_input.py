"""Pitfall: to make `.view()` legal the learner re-lays out the caller's tensor (`images.data = ...channels_last`): the values look the same, but the caller's tensor no longer shares storage with its other views and no longer accepts `.view(N, -1)`.
Source: examiner set (issue 19): a caller who holds another view of the input (an update through that view no longer reaches `images`), or who calls images.view(len(images), -1) afterwards.
Expect: the caller's images got new memory
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    images.data = images.data.contiguous(memory_format=torch.channels_last)
    return images.permute(0, 2, 3, 1).view(n, h * w * c)
