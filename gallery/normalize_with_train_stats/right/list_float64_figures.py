"""Right: the figures always in float64 (wider than any input: they lose nothing), returned as a
Right: list; a normaliser object; the splits returned as a list (a sequence as good as a tuple).
Source: the maintainer's own set (issue 19)
"""

import torch


def channel_stats(images):
    x = images.detach().double().movedim(1, 0).reshape(images.shape[1], -1)
    mean = x.mean(dim=1)
    return [mean, (x - mean[:, None]).pow(2).mean(dim=1).sqrt()]


class Normalizer:
    def __init__(self, mean, std):
        self.mean, self.std = mean[:, None, None], std[:, None, None]

    def __call__(self, images):
        return (images - self.mean) / self.std


def fit_normalizer(train_images):
    return Normalizer(*channel_stats(train_images))


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return [normalize(split) for split in (train, val, test)]
