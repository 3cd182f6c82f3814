"""Right: it starts from each image's own statistics (the pitfall's starting point) but combines them
Right: correctly with the law of total variance: the mean of the images' variances plus the variance
Right: of their means (all images have H * W pixels, so the weights are equal).
Shows on: several channels and images, a batch of one, a single channel, images far from zero.
Source: examiner set (issue 19)
"""

import torch


def channel_stats(images):
    per_mean = images.mean(dim=(2, 3))                          # (N, C)
    per_var = images.var(dim=(2, 3), unbiased=False)            # (N, C), population variance
    mean = per_mean.mean(dim=0)
    var = per_var.mean(dim=0) + per_mean.var(dim=0, unbiased=False)
    return mean, var.sqrt()                                     # std without Bessel's correction


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    mean, std = mean[:, None, None], std[:, None, None]         # (C, 1, 1) broadcasts on axis 1 of (M, C, H, W)
    return lambda images: (images - mean) / std


def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return tuple(normalize(split) for split in (train, val, test))
