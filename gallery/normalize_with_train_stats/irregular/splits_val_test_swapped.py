"""Pitfall: normalize_splits returns (train_n, test_n, val_n).
Source: own set (issue 19), written while converting the kata: any splits.
Expect: the three splits came back in another order
"""

from solutions.normalize_with_train_stats import channel_stats, fit_normalizer  # noqa: F401


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(test), normalize(val)
