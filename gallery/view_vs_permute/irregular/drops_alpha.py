"""Pitfall: only the first three channels are kept (`images[:, :3]`, "RGB"), so a fourth channel (alpha, or any C > 3) is lost.
Source: the maintainers' own set (issue 19), kinds the examiner missed: images with C > 3.
Expect: holds only the first 3 of the 4 channels
"""

import torch


def to_channels_last(images):
    return images[:, :3].permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n = images.shape[0]
    return to_channels_last(images).reshape(n, -1)
