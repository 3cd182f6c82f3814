"""Pitfall: the result is detached (`images.detach().permute(...)`), so with a feature map that requires grad the result is cut from the graph: a loss computed after it never reaches the layers before.
Source: the maintainers' own set (issue 19), kinds the examiner missed: an input that requires grad.
Expect: the result does not: it was cut from the graph
"""

import torch


def to_channels_last(images):
    return images.detach().permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n = images.shape[0]
    return images.detach().permute(0, 2, 3, 1).reshape(n, -1)
