"""Pitfall: per-batch statistics at evaluation: the normaliser computes the mean and std of the
batch it is given, so an image's values depend on its batch-mates.
Source: the PyTorch MNIST example (fixed figures, Normalize((0.1307,), (0.3081,)), for training
and test alike); scikit-learn, "Common pitfalls and recommended practices".
Expect: normalised with the batch's own statistics
"""

from solutions.normalize_with_train_stats import *  # noqa: F401,F403 - the reference, but for the lines below


def fit_normalizer(train_images):
    def normalize(images):
        mean, std = channel_stats(images)  # the batch's figures, not the training set's
        return (images - mean.view(1, -1, 1, 1)) / std.view(1, -1, 1, 1)

    return normalize
