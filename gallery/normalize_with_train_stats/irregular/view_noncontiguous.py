"""Pitfall: the pixels are gathered with `images.view(N, C, -1)`, which refuses an input whose H and
W are not laid out contiguously, so the statistics raise on legal batches.
Source: examiner set (issue 19): a centre-cropped batch (x[..., 2:-2, 2:-2]) or an H/W-transposed
one; a channels-last batch happens to pass (its H and W still merge).
Expect: `.view()` on a tensor that is not contiguous
"""

import torch


def channel_stats(images):
    n, c = images.shape[:2]
    x = images.view(n, c, -1)
    return x.mean(dim=(0, 2)), x.std(dim=(0, 2))


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
