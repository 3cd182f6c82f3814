"""Pitfall: the figures come from the first half of the training images only ("enough for
statistics").
Source: own set (issue 19), written while converting the kata: any training set.
Expect: measured from its output, it used the means
"""

from solutions.normalize_with_train_stats import channel_stats, normalize_splits  # noqa: F401


def fit_normalizer(train_images):
    half = train_images[: max(1, len(train_images) // 2)]  # "enough for statistics"
    mean, std = (t.view(1, -1, 1, 1) for t in channel_stats(half))
    return lambda images: (images - mean) / std
