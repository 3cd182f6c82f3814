"""Pitfall: (C,) statistics subtracted from an (M, C, H, W) batch line up with the width, not with
the channels (an error when W != C, silently wrong when W == C).
Source: the PyTorch MNIST example's per-channel Normalize((0.1307,), (0.3081,)); PyTorch's
broadcasting semantics (shapes are lined up from the last axis).
Expect: lined up with the last axis, the width
"""

from solutions.normalize_with_train_stats import *  # noqa: F401,F403 - the reference, but for the lines below


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)  # shape (C,): broadcasts along W

    def normalize(images):
        return (images - mean) / std

    return normalize
