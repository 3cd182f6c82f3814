"""Pitfall: channel_stats returns torch.std_mean's result as it comes, (std, mean): the two figures
are swapped.
Source: own set (issue 19), written while converting the kata: any images.
Expect: the mean and the std are swapped
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return torch.std_mean(images, dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

