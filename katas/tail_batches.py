"""Kata: tail_batches — every example once per epoch, and the tail counted as what it is.

1000 examples in batches of 10 divide evenly; 1003 do not, and the last batch holds 3. Three
things go wrong there, all silently. A loop `range(0, n - batch_size + 1, batch_size)` (or
`n // batch_size` batches) stops before the tail, so those examples are never trained on. An
`sgd` that divides every summed gradient by the nominal `batch_size` makes the tail's step too
small: it holds 3 examples, not 10. And a dataset's loss computed as the mean of batch means
gives the 3 examples of the tail the weight of 10.

Why it matters: with shuffling, *which* examples fall in the tail changes every epoch, so none
of this crashes or shows in one run; it just biases training and the figures you report.

Check your work:  dojo check tail_batches      (or: pytest --kata tail_batches)
A hint at a time:  dojo hint tail_batches
"""

import torch


def data_iter(batch_size, features, labels, *, generator=None):
    """Yield shuffled `(X, y)` minibatches that cover every example exactly once.

    `features` and `labels` have the same number n >= 1 of rows (any dtype: integer class labels
    too; labels as (n,) or (n, 1); any memory layout); `batch_size` is an int >= 1 (larger than
    n gives one batch of n). Shuffle the indices, then cut them into batches of `batch_size`;
    the last batch is smaller when `batch_size` does not divide n (and no batch is empty).
    Each `(X, y)` is `(features[idx], labels[idx])` for the same indices: the rows exactly as
    they are, in their dtype and shape. Return an iterable of these pairs, walked once (a
    generator is the natural way).
    The shuffle is a permutation drawn from `generator` when one is given: two equally seeded
    generators give the same batches, whatever torch's global state, and the generator moves
    on, so a second epoch with the same generator is shuffled anew (not a copy of it, not a
    reseed). Without one, it is drawn from torch's global generator (`torch.manual_seed`
    repeats it; two calls in a row give two orders).
    """
    # TODO: a permutation of the indices, sliced into batches up to the very end.
    raise NotImplementedError("data_iter")


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    """One epoch of minibatch SGD on `w` (d, 1) and `b` (1,), in place. Returns None.

    `w` and `b` are leaves that require grad, of the features' dtype (float32 or float64, any
    memory layout); `features` are (n, d), `labels` (n, 1); `lr` > 0; autograd is on.
    Go through `data_iter(batch_size, features, labels, generator=generator)`, once: the very
    batches that this module's `data_iter` gives for an equally seeded generator (or, without
    one, for the same global state). For each batch: the summed loss
    `((X @ w + b - y) ** 2 / 2).sum()`, backward, then step every parameter by `lr` times the
    *mean* gradient of the examples actually in that batch (the tail's too: divide by
    `len(X)`), in place under `torch.no_grad()`, and clear the gradients. A gradient that `w`
    or `b` already holds when the epoch starts belongs to no batch: it must not leak into the
    first step. Afterwards their `.grad` is cleared (zeros or None).
    """
    # TODO: the loop of the articles, dividing each step by the size of its own batch.
    raise NotImplementedError("train_epoch")


def dataset_mean_loss(net, loss_fn, batches):
    """The mean per-example loss over all `(X, y)` in `batches`, as a Python float.

    `batches`: any iterable of pairs (a list, a generator, a DataLoader, this module's
    `data_iter`), walked once; each holds at least one example, and their sizes may differ.
    `net(X)` gives the predictions (an `nn.Module`, whose parameters may require grad, or a
    plain function), and `loss_fn(net(X), y)` returns the *mean* over one batch as a 0-dim
    tensor (float32 or float64). The result must be exact when the batches differ in size:
    the same number as the loss of all the examples taken together, to the precision of the
    loss's dtype (1e-5 relative for float32, 1e-12 for float64). No graph is needed for
    this (and none may break it: `.numpy()` refuses a tensor that requires grad).
    """
    # TODO: weight each batch mean by the batch's size; divide by the number of examples.
    raise NotImplementedError("dataset_mean_loss")
