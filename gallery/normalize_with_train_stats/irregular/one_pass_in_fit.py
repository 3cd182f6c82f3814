"""Pitfall: fit_normalizer computes its figures itself with E[x^2] - E[x]^2 in one pass
(channel_stats is right): far from zero the std is lost.
Source: own set (issue 19), written while converting the kata: training images 1000 spreads from
zero, in float32.
Expect: measured from its output, it used the means
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean = train_images.mean(dim=(0, 2, 3), keepdim=True)
    var = (train_images ** 2).mean(dim=(0, 2, 3), keepdim=True) - mean ** 2
    std = var.sqrt()

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

