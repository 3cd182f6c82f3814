"""Pitfall: normalize clips the normalised values to [-10, 10] "against outliers".
Source: own set (issue 19), written while converting the kata: a batch far from the training
images.
Expect: were clipped at
"""

from solutions.normalize_with_train_stats import channel_stats, normalize_splits  # noqa: F401


def fit_normalizer(train_images):
    mean, std = (t.view(1, -1, 1, 1) for t in channel_stats(train_images))
    return lambda images: ((images - mean) / std).clamp(-10, 10)
