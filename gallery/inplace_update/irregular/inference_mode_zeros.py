"""Pitfall: The update runs under torch.inference_mode() and the gradient is cleared with a new
Pitfall: torch.zeros_like(param), which is therefore an inference tensor; the next backward must
Pitfall: add into it in place and PyTorch refuses.
Source: examiner set (issue 19): a second training step (backward, sgd_step, backward again:
Source: "Inplace update to inference tensor outside InferenceMode").
Expect: cleared with an inference tensor
"""

import torch


def sgd_step(params, lr):
    with torch.inference_mode():
        for param in params:
            param -= lr * param.grad
            param.grad = torch.zeros_like(param)


def decrement_all(values, amount):
    with torch.no_grad():
        for i, v in enumerate(values):
            if isinstance(v, torch.Tensor):
                v -= amount
            else:
                values[i] = v - amount
