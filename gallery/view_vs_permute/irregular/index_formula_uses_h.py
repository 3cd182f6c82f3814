"""Pitfall: the position formula is typed with H where the docstring has W, `(h * H + w) * C + c`, which only agrees with `(h * W + w) * C + c` on square images.
Source: examiner set (issue 19): a non-square image, H != W (e.g. (1, 2, 3, 4)): positions collide or fall outside the row.
Expect: elements are not what they should be
"""

import torch


def to_channels_last(images):
    return images.permute(0, 2, 3, 1)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    hh, ww, cc = torch.meshgrid(torch.arange(h), torch.arange(w), torch.arange(c), indexing="ij")
    dest = ((hh * h + ww) * c + cc).reshape(-1)          # typo: H instead of W
    src = images.permute(0, 2, 3, 1).reshape(n, h * w * c)
    out = torch.empty_like(src)
    out[:, dest] = src
    return out
