"""Kata: inplace_update — update the caller's tensors, not a local name.

In d2l's `sgd`, `param -= lr * param.grad` changes the very tensor the caller holds: `-=` on a
tensor is an in-place operation (`param.sub_(...)`). Write `param = param - lr * param.grad`
instead and nothing happens outside the function: the new tensor is bound to the local name
`param` and thrown away. Python numbers are different again: an int is immutable, so `v -= 4`
always makes a new int.

Why it matters: a training loop whose update is rebound trains nothing, and it raises no error.

Check your work:  dojo check inplace_update      (or: pytest --kata inplace_update)
A hint at a time:  dojo hint inplace_update
"""

import torch


def sgd_step(params, lr):
    """One step of gradient descent on every tensor in `params`.

    For each `param` (a leaf tensor that requires grad, with `param.grad` filled by a backward):
    - subtract `lr * param.grad` from it *in place* (the caller's tensor must change: same
      object, same storage), without recording the update in the autograd graph;
    - then clear its gradient (zeros or None) so the next backward starts from nothing.
    Afterwards every param is still a leaf that requires grad. Returns None.
    """
    # TODO: update each param in place, outside the graph, then clear its gradient.
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    """Subtract `amount` from every element of the list `values`, so the caller's list sees it.

    Tensor elements are changed in place (the same objects: any other reference to them sees
    the change too). Python numbers are immutable, so those are replaced in the list.
    Returns None.
    """
    # TODO: tensors in place; numbers replaced by index.
    raise NotImplementedError("decrement_all")
