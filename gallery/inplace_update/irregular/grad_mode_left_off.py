"""Pitfall: Autograd is switched off with torch.set_grad_enabled(False) and never switched back on,
Pitfall: so after the step no forward pass records a graph and the next backward fails.
Source: examiner set (issue 19): the second training step (after sgd_step, loss.backward() raises
Source: "element 0 of tensors does not require grad").
Expect: sgd_step left autograd switched off
"""

import torch


def sgd_step(params, lr):
    torch.set_grad_enabled(False)
    for param in params:
        param -= lr * param.grad
        param.grad.zero_()


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
