"""Pitfall: Grad mode is turned off and then "restored" to the constant True instead of to what it
Pitfall: was, so a caller that runs the step inside its own torch.no_grad() block finds autograd
Pitfall: on again for the rest of that block.
Source: examiner set (issue 19): a call made inside `with torch.no_grad():`
Source: (torch.is_grad_enabled() is True right after the call, inside the block).
Expect: switched autograd on inside the caller's `torch.no_grad()` block
"""

import torch


def sgd_step(params, lr):
    torch.set_grad_enabled(False)
    for param in params:
        param -= lr * param.grad
        param.grad.zero_()
    torch.set_grad_enabled(True)


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
