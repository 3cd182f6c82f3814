"""Right: `.permute(0, 2, 3, 1).contiguous()` copies into channels-last order, so the `.view(N, -1)`
Right: that follows is legal (the pitfall's view, made right by the copy before it).
Source: the maintainer's own set (issue 19)
"""

import torch
def to_channels_last(images):
    return images.permute(0, 2, 3, 1).contiguous()
def flatten_channels_last(images):
    return to_channels_last(images).view(images.size(0), -1)
