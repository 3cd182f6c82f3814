"""Kata: normalize_with_train_stats — normalisation statistics come from the training set alone.

Inputs are usually normalised before training: subtract a mean, divide by a standard deviation,
one pair per channel. The PyTorch MNIST example does it with
`transforms.Normalize((0.1307,), (0.3081,))`: the mean and the std of every pixel of the 60,000
*training* images. Those two numbers are part of the model, as much as its weights: they are
computed once, on the training set, and applied unchanged to everything the model ever sees,
validation and test sets and single images in production included.

Three ways to get it wrong, none of which raises an error:

- statistics of the whole data set, or of the test set: the test set leaks into the preprocessing,
  and the evaluation is no longer of data the model has never seen;
- statistics of each batch at evaluation: an image's normalised values then depend on the other
  images of its batch, a batch of one has no spread at all, and a brighter test set is quietly
  made to look like the training set;
- the std taken over the wrong axes of an (N, C, H, W) tensor: the average of each image's own
  std, or of each pixel's std across images, is not the spread of the pixels, and is smaller.

And one that does raise (or worse, does not): a mean of shape (C,) subtracted from an
(N, C, H, W) batch lines up with the *last* axis, the width, not with the channels.

What any correct answer does: the figures below, per channel, for any sizes. The std may be taken
with or without Bessel's correction (the tests accept both). How you compute them is yours.

Why it matters: a leak makes a model look better than it is; per-batch statistics make its
answers depend on what else is in the batch. Both go unnoticed until the model meets real data.

Check your work:  dojo check normalize_with_train_stats   (or: pytest --kata normalize_with_train_stats)
A hint at a time:  dojo hint normalize_with_train_stats
"""

import torch


def channel_stats(images):
    """The mean and the std of each channel of a batch of images (N, C, H, W): `(mean, std)`.

    Each is a tensor of shape (C,): for channel c, the mean and the standard deviation of all
    the N * H * W values of that channel, every pixel of every image taken together. For the
    5,000 training digits shipped with the package (as (N, 1, 28, 28) floats in [0, 1]) they
    come within 0.002 of the MNIST example's 0.1307 and 0.3081.
    """
    # TODO: reduce over every axis but the channel axis.
    raise NotImplementedError("channel_stats")


def fit_normalizer(train_images):
    """A function that normalises images with the statistics of `train_images`.

    `train_images` is (N, C, H, W). Return a function `normalize(images)` that takes any batch
    (M, C, H, W), M >= 1, and returns `(images - mean) / std` channel by channel, where mean and
    std are `channel_stats(train_images)`. The same image gives the same result whatever batch
    it comes in, a batch of one included. `normalize` leaves its input unchanged.
    """
    # TODO: compute the training statistics once; return a function that applies them.
    raise NotImplementedError("fit_normalizer")


def normalize_splits(train, val, test):
    """The three splits of a data set, normalised for training and evaluation.

    Each split is (N_i, C, H, W). Return `(train_n, val_n, test_n)`: all three normalised with
    the statistics of `train` alone, as `fit_normalizer(train)` does. The validation and test
    images play no part in the statistics. The inputs are left unchanged.
    """
    # TODO: fit on the training split, apply to all three.
    raise NotImplementedError("normalize_splits")
