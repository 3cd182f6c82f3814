"""Right: to_channels_last permutes a clone (a copy first, then a view of the copy: the input's
Right: storage is never shared); flatten_channels_last moves C to the end with two transposes and
Right: `torch.flatten(..., start_dim=1)`, which copies a non-contiguous tensor.
Source: the maintainer's own set (issue 19)
"""

import torch
def to_channels_last(images):
    return images.clone().permute(0, 2, 3, 1)
def flatten_channels_last(images):
    return torch.flatten(images.transpose(1, 2).transpose(2, 3), start_dim=1)
