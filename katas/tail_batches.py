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

    Shuffle the indices (with `generator` when one is given, so equally seeded generators give
    the same order), then cut them into batches of `batch_size`; the last batch is smaller when
    `batch_size` does not divide the number of examples. X and y are matching rows of
    `features` and `labels`.
    """
    # TODO: a permutation of the indices, sliced into batches up to the very end.
    raise NotImplementedError("data_iter")


def train_epoch(w, b, features, labels, *, batch_size, lr, generator=None):
    """One epoch of minibatch SGD on `w` (d, 1) and `b` (1,), in place. Returns None.

    Go through `data_iter(batch_size, features, labels, generator=generator)`. For each batch:
    the summed loss `((X @ w + b - y) ** 2 / 2).sum()`, backward, then step every parameter by
    `lr` times the *mean* gradient of the examples actually in that batch (the tail's too),
    in place under `torch.no_grad()`, and clear the gradients.
    """
    # TODO: the loop of the articles, dividing each step by the size of its own batch.
    raise NotImplementedError("train_epoch")


def dataset_mean_loss(net, loss_fn, batches):
    """The mean per-example loss over all `(X, y)` in `batches`, as a Python float.

    `loss_fn(net(X), y)` returns the *mean* over one batch. The result must be exact when the
    batches differ in size: the same number as the loss of all the examples taken together.
    No graph is needed for this.
    """
    # TODO: weight each batch mean by the batch's size; divide by the number of examples.
    raise NotImplementedError("dataset_mean_loss")
