"""Pitfall: the variance is computed in one pass as E[x^2] - E[x]^2, which cancels catastrophically
in float32 when the data lie far from zero: the std comes out far off, zero, or nan (a negative
variance).
Source: examiner set (issue 19): images far from zero with a small spread, e.g. 1000 +
torch.rand(8, 2, 5, 5) (true std 0.29).
Expect: the std loses its precision far from zero
"""

import torch


def channel_stats(images):
    mean = images.mean(dim=(0, 2, 3))
    mean_sq = (images * images).mean(dim=(0, 2, 3))
    return mean, (mean_sq - mean * mean).sqrt()


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
