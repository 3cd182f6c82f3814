"""Pitfall: `permute(0, 3, 2, 1)` reverses the image axes, so each row walks the pixels column by column (w, then h): the channels are innermost but the pixels are in the wrong order.
Source: examiner set (issue 19): any image with H > 1 and W > 1 (it is right only when one of them is 1), e.g. torch.arange(12.).reshape(1, 1, 3, 4).
Expect: each row walks the pixels column by column
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n = images.shape[0]
    return images.permute(0, 3, 2, 1).reshape(n, -1)
