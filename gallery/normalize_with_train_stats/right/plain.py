"""Right: it is the textbook answer: reduce over (0, 2, 3), shape the figures (1, C, 1, 1), fit once on
Right: train.
Shows on: any sizes, several channels, a batch of one, non-contiguous inputs, float64/float16
Shows on: inputs, two normalizers side by side.
Source: examiner set (issue 19)
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std

    return normalize


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
