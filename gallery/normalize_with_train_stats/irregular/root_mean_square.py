"""Pitfall: the std computed as sqrt(mean(x**2)), the mean not subtracted first.
Source: own set (issue 19), written while converting the kata: images whose mean is not 0.
Expect: the root mean square of the values
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.pow(2).mean(dim=(0, 2, 3)).sqrt()

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

