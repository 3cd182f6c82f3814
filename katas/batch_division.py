"""Kata: batch_division — a summed loss's gradient is divided by the batch size, once.

In d2l's linear regression from scratch, `squared_loss` returns one loss per example, the loop
calls `l.sum().backward()`, and `sgd` steps by `lr * param.grad / batch_size`. The gradient of a
loss *summed* over a batch is batch_size times the mean gradient, so the division turns it back
into the mean: the step no longer grows with the batch size. Forget the division and every step
is batch_size times too large; take the mean loss *and* divide, and it is batch_size times too
small. And a label of shape (n,) against a prediction of shape (n, 1) does not subtract example
by example: broadcasting makes an (n, n) loss, without any error.

Why it matters: none of these raise. Training just runs too fast, too slow, or fits nonsense.

Check your work:  dojo check batch_division      (or: pytest --kata batch_division)
A hint at a time:  dojo hint batch_division
"""

import torch


def squared_loss(y_hat, y):
    """The squared loss of each example, `(y_hat - y)^2 / 2`, shaped like `y_hat`.

    `y_hat` has shape (n, 1) (n >= 1: a batch of one example is a batch too) and a floating
    dtype (float32, float64, float16 or bfloat16); it may require grad (a leaf, or the result
    of `X @ w + b`). `y` has the same dtype and comes as (n, 1) or as (n,); either may be laid
    out in any way in memory (a column sliced out of a matrix is not contiguous).
    Return a new tensor of shape (n, 1) exactly and `y_hat`'s dtype, each value as a
    computation in that dtype gives it (within a few units of its rounding), in the graph: its
    gradient reaches `y_hat`. Do not reduce (no sum, no mean): the training loop sums, and
    `sgd` divides by the batch size. Leave `y_hat` and `y` as they were (values and shape).
    """
    # TODO: one loss per example, with `y` brought to `y_hat`'s shape first.
    raise NotImplementedError("squared_loss")


def sgd(params, lr, batch_size):
    """Minibatch SGD for the gradient of a *summed* loss.

    `params`: any iterable of leaf tensors that require grad (a list, a tuple, or a generator
    such as `model.parameters()`, which can be walked only once), of any floating dtype and
    memory layout. Each `param.grad` (not None) holds the gradient of the loss summed over
    `batch_size` examples (an int >= 1); `lr` is a number > 0.
    Step every param by `lr` times the *mean* gradient, `param -= lr * param.grad / batch_size`:
    in place (the caller's very tensors and their memory), outside the graph (each stays a leaf
    that requires grad), in the param's own dtype (within a couple of units of its rounding).
    Then clear its gradient (zeros or None). Returns None. Leave grad mode as the caller had it
    (called inside `torch.no_grad()`, it stays off), and keep nothing from one call to the next.
    """
    # TODO: param -= lr times the mean gradient, under torch.no_grad(); then clear the gradient.
    raise NotImplementedError("sgd")


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    """Linear regression from scratch, as in the articles; returns the trained `(w, b)`.

    `features` (n, d) are float32 or float64; `labels`, of the same dtype, come as (n, 1) or
    (n,) (reshape them: never broadcast). n, d, batch_size >= 1; lr >= 0; num_epochs >= 0
    (0 returns the initial w and b).
    - w of shape (d, 1) drawn from N(0, 0.01) (standard deviation 0.01), b = zeros of shape (1,),
      both in the features' dtype and both leaves that require grad, and returned as such,
      trained (a `.detach()` would stop the caller from training them further);
    - every epoch: a fresh shuffle of the examples (a new order each epoch), cut into
      consecutive minibatches of `batch_size`; the last one holds what is left over when
      batch_size does not divide n, and is trained on too (its step divided by batch_size, as
      `sgd([w, b], lr, batch_size)` does, or by its own size: both are accepted here). For each
      minibatch: the summed `squared_loss` of `features @ w + b`, backward, then
      `sgd([w, b], lr, batch_size)`: each step is lr times the minibatch's mean gradient;
    - `seed` makes the run reproducible: the same seed gives the same result whatever the global
      random state (torch's, Python's `random`, NumPy's), and the same initial w whatever lr,
      batch_size and num_epochs; another seed gives another w. The default seed=0 is a seed
      like any other. (A `torch.Generator().manual_seed(seed)` for the initial w and the
      shuffle is one way.)
    """
    # TODO: initialise w and b from the seed, then num_epochs of shuffled minibatch SGD.
    raise NotImplementedError("train_linreg")
