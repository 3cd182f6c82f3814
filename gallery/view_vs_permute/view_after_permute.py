"""Pitfall: `.view()` on the non-contiguous result of a permute (PyTorch refuses: "view size is
not compatible with input tensor's size and stride").
Source: Karpathy, "most common neural net mistakes" (2018): "thinking view() and permute() are
the same thing (& incorrectly using view)".
Expect: `.view()` on a tensor that is not contiguous
"""

from solutions.view_vs_permute import *  # noqa: F401,F403 - the reference, but for the line below


def flatten_channels_last(images):
    return images.permute(0, 2, 3, 1).view(images.shape[0], -1)  # permuted: not contiguous
