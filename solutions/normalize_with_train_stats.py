"""normalize_with_train_stats: statistics from the training set, applied unchanged everywhere
(reference solution)."""

import torch


def channel_stats(images):
    """Per-channel mean and std over every pixel of every image: reduce over N, H and W."""
    axes = (0, 2, 3)  # all but the channel axis
    return images.mean(dim=axes), images.std(dim=axes)


def fit_normalizer(train_images):
    """The training set's statistics, computed once, in a function that applies them."""
    mean, std = channel_stats(train_images)
    # Shaped (1, C, 1, 1) so that they line up with the channel axis of an (M, C, H, W) batch;
    # a (C,) tensor would line up with the last axis, the width.
    mean, std = mean.view(1, -1, 1, 1), std.view(1, -1, 1, 1)

    def normalize(images):
        return (images - mean) / std  # a new tensor; the batch's own statistics play no part

    return normalize


def normalize_splits(train, val, test):
    """Fit on the training split alone, then apply the same normalisation to all three."""
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
