"""Pitfall: each image normalised with its own statistics over H and W (instance normalisation).
Source: own set (issue 19), written while converting the kata: images of different brightness.
Expect: each image was normalised with its own statistics
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    def normalize(images):
        return F.instance_norm(images, eps=0.0)

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

