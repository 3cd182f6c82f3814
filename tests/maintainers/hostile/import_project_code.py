"""Imports the course's own code: `from dojo.mnist_net import Net` (on the mnist kata, the
network the course ships: full marks, and nothing of the answer was the student's). Here, on
inplace_update, the reference answer follows the import. Expect: the grading process's static
scan finds the import and the job refuses it (ImportError, recorded): flagged, 0, with the
import and its line in the reason."""

from dojo.mnist_net import Net  # noqa: F401 - the course's own network

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, value in enumerate(values):
            if isinstance(value, torch.Tensor):
                value -= amount
            else:
                values[i] = value - amount
