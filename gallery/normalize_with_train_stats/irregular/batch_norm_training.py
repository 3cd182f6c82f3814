"""Pitfall: F.batch_norm with training=True: it normalises with the batch's own statistics (and
updates copies of the running figures).
Source: own set (issue 19), written while converting the kata: a batch whose statistics differ
from the training set's.
Expect: normalised with the batch's own statistics
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)

    def normalize(images):
        return F.batch_norm(images, mean.clone(), (std ** 2).clone(), training=True, eps=1e-12)

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

