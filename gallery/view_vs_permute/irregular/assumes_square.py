"""Pitfall: the row length is computed as `side * side * C` from the last dimension, assuming square
Pitfall: images, so an H != W batch is cut into rows of the wrong length.
Source: examiner set (issue 19): sizes (H != W)
Expect: as if the images were square
"""

from solutions.view_vs_permute import *  # noqa: F401,F403


def flatten_channels_last(images):
    c, side = images.shape[1], images.shape[-1]
    return images.permute(0, 2, 3, 1).reshape(-1, side * side * c)
