"""Kata: reduction_lr — with reduction='sum' the learning rate must shrink by the batch size.

`nn.MSELoss()` averages over the batch (reduction='mean'); `nn.MSELoss(reduction='sum')` adds
the losses up, so the loss and its gradient are batch_size times larger. With the same lr every
step is batch_size times larger too. Divide the lr by the batch size and the two take exactly the
same steps; this is why 'mean' is the default: the lr does not depend on the batch size. The
loss you *report* is a separate matter: a 'sum' over the whole dataset is n times the per-example
figure, so two runs that learn the same thing print numbers a thousand times apart.

Why it matters: nothing fails. A 'sum' run with the 'mean' lr still trains, just with steps
batch_size times larger (or it diverges); and a loss reported n times larger looks like a worse
model when it is the same one.

Check your work:  dojo check reduction_lr      (or: pytest --kata reduction_lr)
A hint at a time:  dojo hint reduction_lr
"""

import torch
from torch import nn
from torch.utils import data


def lr_for_sum_reduction(lr_mean, batch_size):
    """The learning rate with which reduction='sum' takes the steps that reduction='mean'
    takes with `lr_mean`, for batches of `batch_size` examples.

    `lr_mean` is a positive number (an int or a float), `batch_size` an int >= 1. Returns a
    Python float, `lr_mean / batch_size` to float64's precision (a unit or two in the last
    place: `lr_mean * (1 / batch_size)` is fine; rounding it, or computing it in float32, is not).
    """
    # TODO: how much larger is the gradient of a summed loss than that of the mean?
    raise NotImplementedError("lr_for_sum_reduction")


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    """d2l's concise linear regression; returns `(net, losses)`.

    The inputs: `features`, a float32 or float64 tensor (n, d), in any memory layout;
    `labels` of the same dtype, of shape (n, 1) or (n,): (n,) labels train and report exactly as
    (n, 1) ones (reshape them: a (B, 1) prediction against (B,) labels broadcasts to (B, B)).
    Neither requires grad; leave both as they were. `reduction` is 'mean' or 'sum', compared by
    value (a string equal to 'sum' is 'sum', wherever it was made).

    - `seed` alone decides the run: the layer's initial weights (drawn at random, from any
      distribution: d2l's N(0, 0.01) with a zero bias, or nn.Linear's own) and the shuffle.
      Any seeding style: a generator seeded with `seed` (`torch.Generator().manual_seed(seed)`)
      for both, or torch's global generator seeded inside the call. The caller's global random
      state before the call must not matter, and two seeds give two different initial weights.
    - `nn.Linear(d, 1)` in the features' dtype, `nn.MSELoss(reduction=reduction)` and plain
      `torch.optim.SGD` (no momentum, no weight decay); call the net on each batch (`net(X)`).
    - `lr` is the rate for 'mean': for 'sum', give SGD `lr_for_sum_reduction(lr, batch_size)`;
    - every epoch a fresh shuffle, and minibatches that cover every example exactly once:
      `batch_size` each, the last one smaller when batch_size does not divide n (none dropped;
      a `DataLoader` over a `TensorDataset` with `shuffle=True, generator=...` does it); for
      each: zero_grad, loss, backward, step. A 'mean' step is lr times the batch's mean
      gradient. A 'sum' step with a full batch is exactly the 'mean' step; with the short last
      batch it is (its size / batch_size) times the 'mean' step (an lr rescaled to that batch's
      size, which makes it the 'mean' step, is fine too);
    - after each epoch append to `losses` the mean squared error *per example* over the whole
      dataset, with the model as it is then, as a Python float, as `nn.MSELoss()` computes it
      (without a half), whatever `reduction` is. `losses` is a new list of `num_epochs`
      figures (`num_epochs=0`: no step, `[]`); nothing is kept from one call to the next.

    When batch_size divides the dataset size, 'mean' and 'sum' give the same parameters after
    every step. Values are compared within the rounding of the dtype: a step or a loss computed
    in float32 may be off by a few units of float32's precision (about 1e-7) of the numbers it
    is made of; a float64 run is held to float64's.
    """
    # TODO: the training loop of the articles, with the lr rescaled for 'sum' only.
    raise NotImplementedError("train_concise")
