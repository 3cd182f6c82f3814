"""Pitfall: normalize_splits returns a lazy `map` object, not the tuple (train_n, val_n, test_n): it
unpacks once, but it cannot be indexed, has no len(), and is empty the second time it is
iterated.
Source: examiner set (issue 19): indexing the result (splits[2]), len(), or iterating it twice;
`a, b, c = normalize_splits(...)` works.
Expect: A `map` or a generator can be unpacked once
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    return map(fit_normalizer(train), (train, val, test))
