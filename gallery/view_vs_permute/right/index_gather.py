"""Right: it computes the docstring's formula literally, the source index of every output position, and
Right: gathers with it (recomputed on every call, no cache).
Shows on: any dtype (uint8, bool, float64), non-contiguous inputs, nan and inf values, a second call
Shows on: with other sizes.
Source: examiner set (issue 19)
"""

import torch


def _source_index(c, h, w):
    # position (h*W + w)*C + c of the output row takes element c*H*W + h*W + w of the NCHW row
    hh, ww, cc = torch.meshgrid(torch.arange(h), torch.arange(w), torch.arange(c), indexing="ij")
    return (cc * h * w + hh * w + ww).reshape(-1)


def to_channels_last(images):
    n, c, h, w = images.shape
    return flatten_channels_last(images).reshape(n, h, w, c)


def flatten_channels_last(images):
    n, c, h, w = images.shape
    rows = images.reshape(n, c * h * w)
    return rows[:, _source_index(c, h, w)]
