"""Right: it writes the permute by hand as a strided view, reusing the input's own strides and offset;
Right: unusual but exactly what permute does.
Shows on: sliced, transposed, expanded (stride 0) and channels-last inputs, a storage offset
Shows on: (images[1:]).
Source: examiner set (issue 19)
"""

import torch


def to_channels_last(images):
    n, c, h, w = images.shape
    sn, sc, sh, sw = images.stride()
    return images.as_strided((n, h, w, c), (sn, sh, sw, sc), images.storage_offset())


def flatten_channels_last(images):
    n, c, h, w = images.shape
    return to_channels_last(images).contiguous().view(n, h * w * c)
