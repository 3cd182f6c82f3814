"""inplace_update: update the caller's tensors, not a local name (reference solution)."""

import torch


def sgd_step(params, lr):
    """One step of gradient descent on every tensor of `params`, in place, then clear the grads."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad
            param.grad.zero_()


def decrement_all(values, amount):
    """Subtract `amount` from every element so that the caller's list sees it."""
    with torch.no_grad():  # a tensor may be a leaf that requires grad, like a parameter
        for i, value in enumerate(values):
            if isinstance(value, torch.Tensor):
                value -= amount  # in place: every other reference to this tensor sees it
            else:
                values[i] = value - amount  # numbers are immutable: replace the list's element
