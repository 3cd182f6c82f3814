"""Pitfall: normalize_splits fits on the training and test sets together, keeping the validation set
apart.
Source: own set (issue 19), written while converting the kata: a test set that differs from the
training set.
Expect: normalised with the statistics of the training and test sets together: a leak
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
    normalize = fit_normalizer(torch.cat([train, test]))
    return normalize(train), normalize(val), normalize(test)

