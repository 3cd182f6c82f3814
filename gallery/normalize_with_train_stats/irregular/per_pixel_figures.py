"""Pitfall: the figures are per pixel, shape (C, H, W): mean and std over the training images only.
Source: own set (issue 19), written while converting the kata: images with a pattern across the
width.
Expect: that pixel's own figures
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = train_images.mean(dim=0), train_images.std(dim=0)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

