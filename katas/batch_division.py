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

    `y_hat` has shape (n, 1); `y` may come as (n, 1) or as (n,). Do not reduce (no sum, no
    mean): the training loop sums, and `sgd` divides by the batch size.
    """
    # TODO: one loss per example, with `y` brought to `y_hat`'s shape first.
    raise NotImplementedError("squared_loss")


def sgd(params, lr, batch_size):
    """Minibatch SGD for the gradient of a *summed* loss.

    Each `param.grad` holds the gradient of the loss summed over `batch_size` examples. Step
    every param by `lr` times the *mean* gradient, in place and outside the graph, then clear
    its gradient. Returns None.
    """
    # TODO: param -= lr times the mean gradient, under torch.no_grad(); then clear the gradient.
    raise NotImplementedError("sgd")


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    """Linear regression from scratch, as in the articles; returns the trained `(w, b)`.

    - w of shape (d, 1) drawn from N(0, 0.01) (standard deviation 0.01), b = zeros of shape (1,),
      both leaves that require grad;
    - every epoch: shuffle the examples into minibatches of `batch_size`; for each, the summed
      `squared_loss` of `features @ w + b`, backward, then `sgd([w, b], lr, batch_size)`;
    - `seed` makes the run reproducible: the same seed gives the same result, whatever the global
      random state (a `torch.Generator().manual_seed(seed)` for the initial w and the shuffle is
      one way).
    """
    # TODO: initialise w and b from the seed, then num_epochs of shuffled minibatch SGD.
    raise NotImplementedError("train_linreg")
