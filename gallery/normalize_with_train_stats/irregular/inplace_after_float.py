"""Pitfall: `x = images.float()` is taken for a copy and then normalised in place, but `.float()`
returns the same tensor when it is already float32, so the caller's float32 batch is overwritten
(a float64 or uint8 batch is left alone).
Source: examiner set (issue 19): a float32 input, looked at after the call: it now holds the
normalised values.
Expect: changes the batch in place
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean.reshape(1, -1, 1, 1), std.reshape(1, -1, 1, 1)

    def normalize(images):
        x = images.float()                # "a float copy"
        return x.sub_(mean).div_(std)

    return normalize


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
