"""Right: the channels-last order as a flat index (`arange(C*H*W)` laid out (C, H, W), permuted,
Right: flattened), applied with `index_select` on the flattened images, recomputed every call.
Source: the maintainer's own set (issue 19)
"""

import torch
def to_channels_last(images):
    n, c, h, w = images.shape
    idx = torch.arange(c * h * w).reshape(c, h, w).permute(1, 2, 0).reshape(-1)
    return images.reshape(n, -1).index_select(1, idx).reshape(n, h, w, c)
def flatten_channels_last(images):
    n, c, h, w = images.shape
    return to_channels_last(images).reshape(n, h * w * c)
