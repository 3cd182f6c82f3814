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

The images: floating point (float32, float64, float16 or bfloat16; integer images are out of
scope: convert them first), in any memory layout (a crop, a transpose, channels-last, one image
expanded into a batch). The images given to `channel_stats` and the batches given to `normalize`
may require grad; the training images given to `fit_normalizer` and `normalize_splits` do not.
Their values are finite, with at least two values and some spread (std > 0) per channel; in
float32 and float64 a spread anywhere from 1e-12 to 1e12, and a mean up to 1000 (float32) or 1e6
(float64) times the spread away from zero: E[x^2] - E[x]^2 loses that, a mean subtracted first
does not. float16 and bfloat16 hold ordinary values (spreads of 0.1 to 10), and more of them than
a float16 sum can hold (65504).

Accuracy: a correct computation in the images' dtype gets within these of the exact figures
(float64 arithmetic on the same values), `r` and `c` being (1e-3, 1e-6) for float32, (1e-9, 1e-12)
for float64, (5e-3, 2e-3) for float16 and (4e-2, 1.6e-2) for bfloat16:
- the mean and the std each within `r * std + c * |mean|` (far from zero, rounding the mean to the
  dtype costs `c * |mean|`);
- a normalised value z within `r * (1 + |z|) + c * |mean| / std`, with the `r` and `c` of the less
  precise of the training images and the batch.
(A float32 sum over MNIST's millions of pixels may be off by a few 1e-4: so float32 gets 1e-3.)

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

    Return a tuple (a list of two also does). The figures come in the images' dtype or a wider
    one (float64 is always fine; float32 figures of float64 images have lost precision).
    `images` is left unchanged.
    """
    # TODO: reduce over every axis but the channel axis.
    raise NotImplementedError("channel_stats")


def fit_normalizer(train_images):
    """A function that normalises images with the statistics of `train_images`.

    `train_images` is (N, C, H, W). Return a function (any callable) `normalize(images)` that
    takes any batch (M, C, H, W) of the training images' C, H and W, M >= 1, and returns
    `(images - mean) / std` channel by channel, where mean and std are
    `channel_stats(train_images)`: a new tensor of the batch's shape, in the batch's dtype or a
    wider one (the batch's dtype may differ from the training images'). The same image gives the
    same result whatever batch it comes in, a batch of one included. `normalize` leaves its input
    unchanged, and when its input requires grad the result carries the gradient back to it
    (d normalize(x) / dx = 1 / std of its channel), as `(images - mean) / std` in torch does.

    The figures are fixed here, once: changing `train_images` in place afterwards, or fitting
    another normaliser, does not change this one. `train_images` is left unchanged.
    """
    # TODO: compute the training statistics once; return a function that applies them.
    raise NotImplementedError("fit_normalizer")


def normalize_splits(train, val, test):
    """The three splits of a data set, normalised for training and evaluation.

    Each split is (N_i, C, H, W). Return the tuple `(train_n, val_n, test_n)` (a list also
    does): all three normalised with the statistics of `train` alone, as `fit_normalizer(train)`
    does. The validation and test images play no part in the statistics, and nothing is kept
    from one call to the next. The inputs are left unchanged.
    """
    # TODO: fit on the training split, apply to all three.
    raise NotImplementedError("normalize_splits")
