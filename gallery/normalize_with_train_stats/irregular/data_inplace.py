"""Pitfall: normalize works in place through `.data` (no autograd error): the caller's batch is
overwritten and the gradient that comes back is not 1/std.
Source: own set (issue 19), written while converting the kata: any batch, looked at after the
call; a batch that requires grad.
Expect: normalize changed the batch in place
"""

import torch


def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))


def fit_normalizer(train_images):
    mean, std = (t.view(1, -1, 1, 1) for t in channel_stats(train_images))

    def normalize(images):
        images.data.sub_(mean).div_(std)
        return images

    return normalize


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)
