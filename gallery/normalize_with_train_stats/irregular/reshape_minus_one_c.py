"""Pitfall: the pixels of each channel gathered with images.reshape(-1, C), whose columns are not
channels (the channel is axis 1, not the last one).
Source: own set (issue 19), written while converting the kata: several channels and several
pixels.
Expect: a column of `images.reshape(-1, C)`
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    cols = images.reshape(-1, images.shape[1])
    return cols.mean(dim=0), cols.std(dim=0)

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

