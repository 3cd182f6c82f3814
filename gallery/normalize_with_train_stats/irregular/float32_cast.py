"""Pitfall: the images are cast with `.float()` before the statistics, so float64 data lose their
precision: values far from zero with a small spread all round to the same float32 number and the
std comes out 0 (and float32).
Source: examiner set (issue 19): float64 images far from zero with a small spread, e.g. 1e4 +
1e-4 * torch.rand(4, 2, 5, 5, dtype=torch.float64).
Expect: the figures of float64 images came back float32
"""

import torch


def channel_stats(images):
    x = images.float()
    return x.mean(dim=(0, 2, 3)), x.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
