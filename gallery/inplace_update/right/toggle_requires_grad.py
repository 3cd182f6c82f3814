"""Right: instead of no_grad it switches requires_grad off for the update (an in-place op on a tensor
Right: that does not require grad is not recorded) and back on, and it goes through detach() for
Right: decrement_all, which shares the storage and the version counter.
Shows on: parameters of any floating dtype, non-contiguous leaves, a call made inside the caller's
Shows on: own no_grad block (grad mode is never touched), tensors that require grad in
Shows on: decrement_all.
Source: examiner set (issue 19)
"""

import torch


def sgd_step(params, lr):
    for param in params:
        param.requires_grad_(False)
        param.sub_(lr * param.grad)
        param.requires_grad_(True)
        param.grad.zero_()


def decrement_all(values, amount):
    for i, v in enumerate(values):
        if torch.is_tensor(v):
            v.detach().sub_(amount)
        else:
            values[i] = v - amount
