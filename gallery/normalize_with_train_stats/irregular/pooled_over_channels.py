"""Pitfall: one mean and one std over every channel together, repeated per channel: the channels are
mixed.
Source: own set (issue 19), written while converting the kata: several channels of different
levels.
Expect: the mean of all the channels together
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    c = images.shape[1]
    return images.mean().expand(c), images.std().expand(c)

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

