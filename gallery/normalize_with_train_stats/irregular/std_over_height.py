"""Pitfall: the std over N and H only, averaged over W: the pattern across the width is left out.
Source: own set (issue 19), written while converting the kata: images with a pattern across the
width.
Expect: the std over (N, H) alone
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2)).mean(dim=1)


def fit_normalizer(train_images):
    mean, std = (t.view(1, -1, 1, 1) for t in channel_stats(train_images))
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
