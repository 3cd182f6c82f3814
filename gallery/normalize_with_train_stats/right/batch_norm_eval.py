"""Right: it reuses F.batch_norm in evaluation mode (training=False), which normalises with given
Right: running statistics, never the batch's; eps=0 makes it exactly (x - mean) / std.
Shows on: a batch of one, several channels, non-contiguous and channels-last inputs, an input that
Shows on: requires grad.
Source: examiner set (issue 19)
"""

import torch
import torch.nn.functional as F


def channel_stats(images):
    x = images.transpose(0, 1).reshape(images.shape[1], -1)    # (C, N*H*W)
    return x.mean(dim=1), x.std(dim=1)


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    var = std * std

    def normalize(images):
        return F.batch_norm(images, mean.to(images.dtype), var.to(images.dtype), training=False, eps=0.0)

    return normalize


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
