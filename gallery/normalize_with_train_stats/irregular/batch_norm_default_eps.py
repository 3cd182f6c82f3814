"""Pitfall: the normaliser is F.batch_norm in eval mode with its default eps=1e-5: it divides by
sqrt(var + 1e-5).
Source: own set (issue 19), written while converting the kata: images of a small spread (1e-12).
Expect: as an eps does
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    var = std ** 2

    def normalize(images):
        return F.batch_norm(images, mean.to(images.dtype), var.to(images.dtype), training=False)

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

