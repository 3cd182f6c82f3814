"""Pitfall: the fitted figures are kept in module-level globals, so fitting a second normalizer
silently changes the first one: two normalizers cannot live side by side.
Source: examiner set (issue 19): two normalizers fitted on different data and used after both are
fitted (e.g. one per data set, or a refit on a new training split).
Expect: fitting a second normaliser changed the first one
"""

import torch

MEAN = None
STD = None


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def _normalize(images):
    return (images - MEAN) / STD


def fit_normalizer(train_images):
    global MEAN, STD
    mean, std = channel_stats(train_images)
    MEAN, STD = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return _normalize


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
