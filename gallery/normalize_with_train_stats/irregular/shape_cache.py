"""Pitfall: normalisers are cached by the training images' shape: a second fit on other images of
the same shape returns the first normaliser.
Source: own set (issue 19), written while converting the kata: two normalisers fitted on data of
the same shape.
Expect: normalises with the first one's figures
"""

from solutions.normalize_with_train_stats import channel_stats, normalize_splits  # noqa: F401

_cache = {}


def fit_normalizer(train_images):
    key = tuple(train_images.shape)
    if key not in _cache:
        mean, std = (t.view(1, -1, 1, 1) for t in channel_stats(train_images))
        _cache[key] = lambda images: (images - mean) / std
    return _cache[key]
