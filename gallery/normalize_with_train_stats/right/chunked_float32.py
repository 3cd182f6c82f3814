"""Right: the figures of a data set too large for memory: sums over chunks of 16 images, accumulated
Right: in float32 at least (float32 figures for half images, a wider dtype), the mean first, then
Right: the squared deviations from it.
Source: the maintainer's own set (issue 19)
"""

import torch


def channel_stats(images):
    acc = torch.promote_types(images.dtype, torch.float32)
    c = images.shape[1]
    n = images.numel() // c
    total = torch.zeros(c, dtype=acc)
    for chunk in images.split(16):
        total += chunk.to(acc).sum(dim=(0, 2, 3))
    mean = total / n
    squares = torch.zeros(c, dtype=acc)
    for chunk in images.split(16):
        squares += ((chunk.to(acc) - mean.view(1, -1, 1, 1)) ** 2).sum(dim=(0, 2, 3))
    return mean, (squares / (n - 1)).sqrt()


def fit_normalizer(train_images):
    mean, std = (t.view(1, -1, 1, 1) for t in channel_stats(train_images))
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
