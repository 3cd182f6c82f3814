"""Pitfall: normalize takes images.contiguous() for a copy and works in place: a contiguous batch is
the caller's own tensor, which is overwritten.
Source: own set (issue 19), written while converting the kata: a contiguous batch, looked at
after the call.
Expect: changes the batch in place
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        x = images.contiguous()
        x -= mean
        x /= std
        return x

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

