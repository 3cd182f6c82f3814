"""Pitfall: the per-channel sums are divided by the number of images N, not by the N * H * W values
of a channel.
Source: own set (issue 19), written while converting the kata: any images larger than one pixel.
Expect: divided by the number of images N
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    n = images.shape[0]
    mean = images.sum(dim=(0, 2, 3)) / n
    var = ((images - images.mean(dim=(0, 2, 3), keepdim=True)) ** 2).sum(dim=(0, 2, 3)) / n
    return mean, var.sqrt()

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

