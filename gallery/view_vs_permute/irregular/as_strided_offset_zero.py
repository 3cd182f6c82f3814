"""Pitfall: the NHWC view is made with `as_strided(size, permuted strides, 0)`: the input's own
Pitfall: strides, but storage offset 0, so a cropped or sliced batch is read from the wrong place.
Source: examiner set (issue 19): memory layout (a storage offset)
Expect: the elements were read from the start of the input's storage
"""

from solutions.view_vs_permute import *  # noqa: F401,F403


def to_channels_last(images):
    n, c, h, w = images.shape
    sn, sc, sh, sw = images.stride()
    return images.as_strided((n, h, w, c), (sn, sh, sw, sc), 0)
