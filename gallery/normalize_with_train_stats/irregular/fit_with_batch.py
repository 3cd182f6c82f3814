"""Pitfall: normalize refits on the training images and the batch together each time it is called:
the batch leaks into the figures.
Source: own set (issue 19), written while converting the kata: a batch that differs from the
training images.
Expect: the batch leaked into the figures
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    train = train_images.clone()

    def normalize(images):
        seen = torch.cat([train, images.to(train.dtype)])  # the batch joins the training images
        mean, std = (t.view(1, -1, 1, 1) for t in channel_stats(seen))
        return (images - mean) / std

    return normalize


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
