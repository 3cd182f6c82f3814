"""Pitfall: channel_stats clamps the std to at least 1e-6 'to avoid dividing by zero': a channel of
a small spread gets a wrong std.
Source: own set (issue 19), written while converting the kata: images of a spread of 1e-12.
Expect: of the size an eps adds
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3)).clamp(min=1e-6)

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

