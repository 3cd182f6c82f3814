"""Pitfall: `reshape` (or `view`) used to turn (N, C, H, W) into (N, H, W, C): the shape is right,
the numbers are scrambled.
Source: Karpathy, "most common neural net mistakes" (2018): "thinking view() and permute() are
the same thing (& incorrectly using view)".
Expect: reshaped, not permuted
"""

from solutions.view_vs_permute import *  # noqa: F401,F403 - the reference, but for the lines below


def to_channels_last(images):
    n, c, h, w = images.shape
    return images.reshape(n, h, w, c)  # the same sequence of numbers, cut into a new shape
