"""Pitfall: the std of each pixel across the images, averaged over the pixels: it leaves out how the
pixels of one image differ.
Source: own set (issue 19), written while converting the kata: images with a pattern across the
width.
Expect: the average of each pixel's std across the images
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=0).mean(dim=(1, 2))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

