"""Pitfall: normalize runs under torch.no_grad(): its result does not carry the gradient back to the
batch.
Source: own set (issue 19), written while converting the kata: a batch that requires grad.
Expect: does not carry the gradient back to the batch
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        with torch.no_grad():
            return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

