"""Pitfall: the normaliser uses the MNIST example's 0.1307 and 0.3081, whatever the training images.
Source: own set (issue 19), written while converting the kata: any images that are not MNIST
digits.
Expect: it used the MNIST example's figures
"""

import torch
import torch.nn.functional as F

def channel_stats(images):
    return images.mean(dim=(0, 2, 3)), images.std(dim=(0, 2, 3))

def fit_normalizer(train_images):
    def normalize(images):
        return (images - 0.1307) / 0.3081

    return normalize

def normalize_splits(train, val, test):
    normalize = fit_normalizer(train)
    return normalize(train), normalize(val), normalize(test)

