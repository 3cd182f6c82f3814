"""Right: it computes the figures in float64 with an explicit two-pass formula and returns a callable
Right: object instead of a closure; the results come back in the input's dtype.
Shows on: float16 data (a sum that would overflow in half precision), images far from zero, float64
Shows on: inputs, several normalizers side by side.
Source: examiner set (issue 19)
"""

import torch


def channel_stats(images):
    x = images.double()
    n = x.shape[0] * x.shape[2] * x.shape[3]
    mean = x.sum(dim=(0, 2, 3)) / n
    var = ((x - mean.view(1, -1, 1, 1)) ** 2).sum(dim=(0, 2, 3)) / (n - 1)
    return mean.to(images.dtype), var.sqrt().to(images.dtype)


class _Normalizer:
    def __init__(self, mean, std):
        self.mean = mean.double().view(1, -1, 1, 1).clone()
        self.std = std.double().view(1, -1, 1, 1).clone()

    def __call__(self, images):
        out = (images.double() - self.mean) / self.std
        return out.to(images.dtype)


def fit_normalizer(train_images):
    return _Normalizer(*channel_stats(train_images))


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
