"""Right: article 004's MNIST pipeline, `transforms.Compose([..., transforms.Normalize((0.1307,),
Right: (0.3081,))])`, done right: the two tuples are measured on the training images given (one
Right: row of values per channel), not typed in, and the one transform built from them serves the
Right: training, validation and test images alike (the article builds one for each loader).
Source: 004, 长文预警【深度学习】基于 Pytorch 的网络训练 (雪天鱼), done right
"""

import torch
from torchvision import transforms


def channel_stats(images):
    rows = images.transpose(0, 1).reshape(images.shape[1], -1)  # channel c: all its N*H*W values
    return rows.mean(dim=1), rows.std(dim=1)


def fit_normalizer(train_images):
    mean, std = channel_stats(train_images)
    # the article's (0.1307,) and (0.3081,), of the training set at hand
    return transforms.Compose([transforms.Normalize(tuple(mean.tolist()), tuple(std.tolist()))])


def normalize_splits(train, val, test):
    transform = fit_normalizer(train)  # fitted once, on train alone
    return transform(train), transform(val), transform(test)
