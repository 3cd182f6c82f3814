"""Pitfall: fit_normalizer subtracts the mean from the training images in place before taking the
std: the caller's training set is changed.
Source: own set (issue 19), written while converting the kata: the training images, looked at
after fitting.
Expect: fit_normalizer changed the training images
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean = train_images.mean(dim=(0, 2, 3), keepdim=True)
    train_images -= mean
    std = train_images.std(dim=(0, 2, 3), keepdim=True)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

