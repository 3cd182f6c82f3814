"""Pitfall: channel_stats goes through NumPy (images.numpy()): it refuses images that require grad
and bfloat16 ones.
Source: own set (issue 19), written while converting the kata: images that require grad, or
bfloat16 images.
Expect: `.numpy()` on a tensor in a graph
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    a = images.numpy()
    return torch.from_numpy(a.mean(axis=(0, 2, 3))), torch.from_numpy(a.std(axis=(0, 2, 3), ddof=1))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

