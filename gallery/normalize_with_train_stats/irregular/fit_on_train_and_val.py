"""Pitfall: the statistics are fitted on the training and validation splits together, so the
validation set, which must judge the model as unseen data, leaks into the preprocessing.
Source: examiner set (issue 19): a validation split whose distribution differs from the training
split (e.g. brighter images): every split's normalised values change.
Expect: normalised with the statistics of the training and validation sets together: a leak
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(torch.cat([train, val]))
    return normalize(train), normalize(val), normalize(test)
