"""Pitfall: rows flattened in PyTorch's (C, H, W) order for a Linear layer trained on rows in the
(H, W, C) order: the right number of inputs in the wrong places, no error.
Source: Karpathy, "most common neural net mistakes" (2018): view() taken for permute(); the
layout a layer was trained on decides the order of its inputs.
Expect: flattened in the (C, H, W) order
"""

import torch

from solutions.view_vs_permute import *  # noqa: F401,F403 - the reference, but for the line below


def flatten_channels_last(images):
    return torch.flatten(images, 1)  # channel by channel: not the order the layer learned
