"""Pitfall: normalize_splits returns a generator of the three splits: it unpacks once, but cannot be
indexed or read twice.
Source: own set (issue 19), written while converting the kata: indexing or counting the result.
Expect: A `map` or a generator can be unpacked once
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

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return (normalize(split) for split in (train, val, test))

