"""Pitfall: normalize_splits normalises the three splits in place (sub_, div_) to save memory: the
caller's data are changed.
Source: own set (issue 19), written while converting the kata: the splits, looked at after the
call.
Expect: the splits given were changed in place
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    mean, std = channel_stats(train)
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)
    return tuple(split.sub_(mean).div_(std) for split in (train, val, test))

