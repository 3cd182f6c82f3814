"""Pitfall: the loss is computed under no_grad, so the graph to y_hat is lost.
Source: the maintainers' own irregular set (issue 19): autograd (a y_hat that requires grad)
Expect: the loss does not require grad though y_hat does
"""

import torch

from solutions.batch_division import *  # noqa: F401,F403


def squared_loss(y_hat, y):
    with torch.no_grad():
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
