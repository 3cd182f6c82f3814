"""Pitfall: the normalizer keeps a reference to the training tensor and recomputes the statistics on
every call, so when that tensor is later changed in place (a reused buffer, an in-place
augmentation) the normalizer changes with it: the figures are not fixed at fit time.
Source: examiner set (issue 19): a training tensor modified in place after fit_normalizer
returned (e.g. train.mul_(2)); also one that is a view of a buffer refilled with the next chunk.
Expect: normalize followed them
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    def normalize(images):
        mean, std = channel_stats(train_images)
        return (images - mean.reshape(1, -1, 1, 1)) / std.reshape(1, -1, 1, 1)

    return normalize


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
