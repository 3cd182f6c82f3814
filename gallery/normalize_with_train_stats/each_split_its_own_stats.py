"""Pitfall: each split normalised with its own statistics (the validation and the test sets with
theirs): a leak, and a test set that differs from the training set is made to look like it.
Source: scikit-learn, "Common pitfalls and recommended practices" (inconsistent preprocessing:
the transform fitted on the training data is the one applied to the test data).
Expect: normalised with the statistics of the validation set: a leak
"""

from solutions.normalize_with_train_stats import *  # noqa: F401,F403 - the reference, but for the line below


def normalize_splits(train, val, test):
    return tuple(fit_normalizer(split)(split) for split in (train, val, test))  # refitted each time
