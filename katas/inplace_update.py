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

    `params` is any iterable: a list, a tuple, or a generator such as `model.parameters()`
    (which can be walked only once). Each `param` (at most once) is a leaf tensor that requires
    grad (a plain tensor, an `nn.Parameter` or another subclass of `torch.Tensor`), of any
    float dtype (float64, float16 and bfloat16 too) and any layout (transposed, sliced,
    channels-last), with `param.grad` filled by a backward (inf and nan included):
    - subtract `lr * param.grad` from it *in place* (the caller's tensor must change: same
      object, same storage, same dtype), without recording the update in the autograd graph.
      Rounding may differ from `param - lr * param.grad` by two units of the param's dtype
      (relative to |param| + |lr * grad|), no more: a step computed in a coarser dtype is wrong;
    - then clear its gradient: None, or exact zeros (whatever it held), a tensor the next
      backward can add into.
    Afterwards every param is still a leaf that requires grad, and autograd is on or off as the
    caller had it (a call inside `torch.no_grad()` stays inside it). Each call uses only the
    `params` and `lr` it is given. Returns None.
    """
    # TODO: update each param in place, outside the graph, then clear its gradient.
    raise NotImplementedError("sgd_step")


def decrement_all(values, amount):
    """Subtract `amount` (an int or a float) from every element of the list `values`, so the
    caller's list sees it.

    Tensor elements (each at most once; plain tensors, `nn.Parameter`s and other subclasses of
    `torch.Tensor`; any float dtype, or an integer dtype when `amount` is an int; 0-dim,
    non-contiguous, a view such as a row of a matrix, a leaf that requires grad) are changed in
    place, each lowered by `amount` as its own dtype holds it (0.1 from a float64 tensor is
    float64's 0.1, not float32's): the same objects and the same storage, so any other
    reference to them, and the tensor they view, sees the change too; a leaf stays a leaf.
    Every other element is a
    Python number (int, float, Fraction, Decimal, complex ...), immutable, so it is replaced in
    the list by `v - amount`, of the type that subtraction gives. Returns None.
    """
    # TODO: tensors in place; numbers replaced by index.
    raise NotImplementedError("decrement_all")
