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
    takes with `lr_mean`, for batches of `batch_size` examples. Returns a float."""
    # TODO: how much larger is the gradient of a summed loss than that of the mean?
    raise NotImplementedError("lr_for_sum_reduction")


def train_concise(
    features, labels, *, reduction="mean", lr=0.03, batch_size=10, num_epochs=3, seed=0
):
    """d2l's concise linear regression; returns `(net, losses)`.

    - a generator seeded with `seed` (`torch.Generator().manual_seed(seed)`) draws the layer's
      initial weights and shuffles the batches, so that the same seed gives the same run;
    - `nn.Linear(d, 1)`, `nn.MSELoss(reduction=reduction)` and `torch.optim.SGD`;
    - `lr` is the rate for 'mean': for 'sum', give SGD `lr_for_sum_reduction(lr, batch_size)`;
    - shuffled minibatches of `batch_size` every epoch (a `DataLoader` over a `TensorDataset`
      with `shuffle=True, generator=...` does it); for each: zero_grad, loss, backward, step;
    - after each epoch append to `losses` the mean squared error *per example* over the whole
      dataset, as a Python float, as `nn.MSELoss()` computes it, whatever `reduction` is.
    When batch_size divides the dataset size, 'mean' and 'sum' give the same parameters after
    every step.
    """
    # TODO: the training loop of the articles, with the lr rescaled for 'sum' only.
    raise NotImplementedError("train_concise")
