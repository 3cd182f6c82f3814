"""Pitfall: normalize_splits fits once and keeps the normaliser in a module-level cache: a second
call with other splits uses the first call's figures.
Source: own set (issue 19), written while converting the kata: two calls on different data sets.
Expect: kept from an earlier call
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

_normalizer = None


def normalize_splits(train, val, test):
    global _normalizer
    if _normalizer is None:
        _normalizer = fit_normalizer(train)
    return _normalizer(train), _normalizer(val), _normalizer(test)

