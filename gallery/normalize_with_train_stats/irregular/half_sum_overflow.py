"""Pitfall: the mean and variance are accumulated with a plain sum in the images' own dtype, and a
float16 sum passes 65504 after a few hundred images: the mean comes out inf (and the std inf or
nan).
Source: examiner set (issue 19): a float16 batch (mixed-precision pipelines), e.g.
torch.rand(400, 1, 28, 28).half(); float32 batches are right.
Expect: more than a float16 sum can
"""

import torch


def channel_stats(images):
    n = images.shape[0] * images.shape[2] * images.shape[3]
    mean = images.sum(dim=(0, 2, 3)) / n
    var = ((images - mean.reshape(1, -1, 1, 1)) ** 2).sum(dim=(0, 2, 3)) / (n - 1)
    return mean, var.sqrt()


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
