"""Pitfall: the figures are computed with keepdim=True and then `.squeeze()`d to drop the ones,
which also drops the channel axis when C = 1: the mean and std come back 0-dim, not of shape (C,)
= (1,).
Source: examiner set (issue 19): a single-channel batch (MNIST-like (N, 1, 28, 28)): shape
torch.Size([]) instead of torch.Size([1]); the values are right.
Expect: `.squeeze()` drops every axis of size 1
"""

import torch


def channel_stats(images):
    mean = images.mean(dim=(0, 2, 3), keepdim=True)
    std = images.std(dim=(0, 2, 3), keepdim=True)
    return mean.squeeze(), std.squeeze()


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
