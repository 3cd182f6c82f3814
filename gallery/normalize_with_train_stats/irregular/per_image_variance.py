"""Pitfall: the square root of the images' own variances averaged: the spread between images
(brightness) is left out.
Source: own set (issue 19), written while converting the kata: images of different brightness.
Expect: each image's own spread (over H and W), averaged over the images
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.var(dim=(2, 3)).mean(dim=0).sqrt()

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

