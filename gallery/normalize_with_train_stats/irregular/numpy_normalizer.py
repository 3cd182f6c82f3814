"""Pitfall: the normaliser goes through NumPy (`images.numpy()`), which refuses a tensor that
requires grad, so the normalisation cannot be part of a model that is differentiated with respect
to its input.
Source: examiner set (issue 19): an input batch with requires_grad=True (a saliency map, an
adversarial example, a normaliser placed after a learnt layer).
Expect: on a batch that requires grad (and not on the same batch without grad)
Expect: Can't call numpy()
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    m = mean.reshape(1, -1, 1, 1).numpy()
    s = std.reshape(1, -1, 1, 1).numpy()
    return lambda images: torch.from_numpy((images.numpy() - m) / s)


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
