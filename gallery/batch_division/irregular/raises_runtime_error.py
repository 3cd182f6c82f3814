"""Pitfall: nothing written: every function raises RuntimeError where the stub raises
Pitfall: NotImplementedError (red team), so the judges of secondary claims (the graph kept, the
Pitfall: gradient cleared, grad mode left alone) met only an error, and passed on it.
Source: the maintainers' own irregular set (red team, attacks/batch_division): exceptions
Expect: so whether the loss keeps the graph to y_hat cannot be checked
Expect: so whether it clears each gradient after its step cannot be checked
Expect: so whether a step leaves grad mode as it was cannot be checked
"""

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    raise RuntimeError("squared_loss")


def sgd(params, lr, batch_size):
    raise RuntimeError("sgd")


def train_linreg(features, labels, *, lr=0.03, batch_size=10, num_epochs=3, seed=0):
    raise RuntimeError("train_linreg")
