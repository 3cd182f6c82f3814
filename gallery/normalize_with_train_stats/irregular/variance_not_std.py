"""Pitfall: the second figure is torch.var_mean's variance, not the std: the normaliser divides by
the variance.
Source: own set (issue 19), written while converting the kata: any images whose spread is not 1.
Expect: this is the variance, not the standard deviation
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    var, mean = torch.var_mean(images, dim=(0, 2, 3))
    return mean, var

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

