"""Pitfall: the figures are computed from train_images on the first call of normalize and cached: if
the training tensor changes between fitting and the first call, the normaliser follows it.
Source: own set (issue 19), written while converting the kata: training images changed in place
after fitting, before the first call.
Expect: normalize followed them
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    cache = {}

    def normalize(images):
        if not cache:
            mean, std = channel_stats(train_images)
            cache['mean'], cache['std'] = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)
        return (images - cache['mean']) / cache['std']

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

